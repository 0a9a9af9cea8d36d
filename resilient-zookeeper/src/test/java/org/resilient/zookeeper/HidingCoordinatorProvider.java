package org.resilient.zookeeper;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.resilient.api.MemberState;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.CoordinatorProvider;
import org.resilient.coordinator.embedded.EmbeddedCoordinatorProvider;

/**
 * A real coordinator ({@code hiding.coordinator}: {@code embedded} or {@code zookeeper}) that hides some nodes
 * ({@code hiding.members}) from this node, as a view that lags behind would: they are not in its member list, and
 * it is not told when one of them holds the lease. Every other call goes to the real one. Candidates that hide each
 * other each see no leader and themselves as the best candidate, so their elections all pick themselves and they
 * really race: only the lease and the epoch's compare-and-set can stop the losers. Registered for the tests by ServiceLoader as
 * {@code hiding}.
 */
public final class HidingCoordinatorProvider implements CoordinatorProvider {
    private static final Setting<String> REAL = Setting.string("hiding.coordinator", null,
            "the real coordinator: embedded or zookeeper");
    private static final Setting<List<String>> HIDDEN = Setting.list("hiding.members", "the members this node does not see");
    private static final List<CoordinatorProvider> REALS = List.of(new EmbeddedCoordinatorProvider(),
            new ZooKeeperCoordinatorProvider());

    /** Creates the provider (found by ServiceLoader). */
    public HidingCoordinatorProvider() {
    }

    @Override
    public String name() {
        return "hiding";
    }

    @Override
    public String description() {
        return "a real coordinator that hides some members from this node (tests)";
    }

    @Override
    public List<SettingSpec> settings() {
        List<SettingSpec> all = new ArrayList<>(List.of(REAL.spec(), HIDDEN.spec()));
        REALS.forEach(p -> all.addAll(p.settings()));
        return all;
    }

    @Override
    public Coordinator open(Settings settings, Clock clock) {
        String name = REAL.require(settings);
        Coordinator real = REALS.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no coordinator " + name)).open(settings, clock);
        Set<String> hidden = Set.copyOf(HIDDEN.get(settings) == null ? List.of() : HIDDEN.get(settings));
        InvocationHandler h = (proxy, method, args) -> {
            try {
                Object result = method.invoke(real, args);
                if (method.getName().equals("members") && method.getParameterCount() == 0) {
                    @SuppressWarnings("unchecked") // Coordinator.members() returns List<MemberState>
                    List<MemberState> members = (List<MemberState>) result;
                    return members.stream().filter(m -> !hidden.contains(m.name())).toList();
                }
                if (method.getName().equals("leaseHolder")) {
                    @SuppressWarnings("unchecked") // Coordinator.leaseHolder() returns Optional<String>
                    Optional<String> holder = (Optional<String>) result;
                    return holder.filter(holderName -> !hidden.contains(holderName));
                }
                return result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Coordinator) Proxy.newProxyInstance(Coordinator.class.getClassLoader(), new Class<?>[] {Coordinator.class},
                h);
    }
}
