package org.resilient.testkit.memory;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.testkit.ComponentFixture;

/**
 * What the "kit sees mistakes" tests share: a contract class, disabled in the build by
 * {@link KitSeesMistakesTest.OnlyWhenLaunched}, run through the JUnit launcher, and the memory component's fixture
 * lent to a deliberately broken provider.
 */
final class LaunchedKit {
    private LaunchedKit() {
    }

    /**
     * Runs a contract class through the JUnit launcher.
     *
     * @param kit the class, marked {@code @ExtendWith(KitSeesMistakesTest.OnlyWhenLaunched.class)}
     * @return the failed tests: display name to the failure's message
     */
    static Map<String, String> failures(Class<?> kit) {
        return failures(List.of(selectClass(kit)));
    }

    /**
     * Runs some {@code @Nested} groups of a contract class through the JUnit launcher.
     *
     * @param kit the class, marked {@code @ExtendWith(KitSeesMistakesTest.OnlyWhenLaunched.class)}
     * @param groups the binary names of the groups, e.g. {@code org.resilient.testkit.TransportBoundsContract$Large}
     * @return the failed tests: display name to the failure's message
     */
    static Map<String, String> failures(Class<?> kit, String... groups) {
        return failures(java.util.Arrays.stream(groups).map(g -> (DiscoverySelector) selectNestedClass(
                List.of(kit.getName()), g)).toList());
    }

    private static Map<String, String> failures(List<DiscoverySelector> selectors) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                .configurationParameter(KitSeesMistakesTest.OnlyWhenLaunched.KEY, "true").build(), listener);
        Map<String, String> failed = new TreeMap<>();
        listener.getSummary().getFailures().forEach(f -> failed.put(f.getTestIdentifier().getDisplayName(),
                String.valueOf(f.getException().getMessage())));
        return failed;
    }

    /**
     * The memory component's fixture with another provider (and other answers where given).
     *
     * @param provider the provider under test
     * @param memory the fixture whose stores, settings and fingerprints are used
     * @param overrides fixture methods, by name, answered otherwise (given the call's arguments)
     * @return the fixture
     */
    static ComponentFixture memoryFixture(ComponentProvider provider, MemoryComponentFixture memory,
            Map<String, Function<Object[], Object>> overrides) {
        return (ComponentFixture) Proxy.newProxyInstance(ComponentFixture.class.getClassLoader(),
                new Class<?>[] {ComponentFixture.class}, (proxy, method, args) -> {
                    if (method.getName().equals("provider")) {
                        return provider;
                    }
                    if (overrides.containsKey(method.getName())) {
                        return overrides.get(method.getName()).apply(args);
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
