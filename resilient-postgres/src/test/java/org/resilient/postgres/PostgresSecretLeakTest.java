package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.AbstractComponentProvider;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.RobustnessContract;

/**
 * The robustness contract's secrets group sees a real secret leaked: the postgres component, wrapped so that its
 * failures name the {@code postgres.password} they were given (as a careless "could not log in as x with password
 * y" would), fails the group, which names the setting. {@link PostgresRobustnessTest} passes the same group
 * against the component as it is.
 */
@DisplayName("The secrets check of the robustness contract, against postgres")
class PostgresSecretLeakTest {
    static final String LAUNCHED = "resilient.postgres.leak-kit";

    /** Runs the kit below only when this test launches it, never as part of the build's own test run. */
    static final class OnlyWhenLaunched implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(LAUNCHED).isPresent()
                    ? ConditionEvaluationResult.enabled("launched by PostgresSecretLeakTest")
                    : ConditionEvaluationResult.disabled("run by PostgresSecretLeakTest only");
        }
    }

    /** The postgres component, with the password in the message of every failure. */
    static final class LeakyPostgres extends AbstractComponentProvider {
        private static final ComponentProvider REAL = new PostgresComponentProvider();

        LeakyPostgres() {
            super(REAL.name(), "postgres, leaking its password into its errors", REAL.capabilities(), REAL.settings(),
                    LeakyPostgres::exporterFor, LeakyPostgres::importerFor);
        }

        private static ResilienceException leak(ResilienceException e, Settings s) {
            return new ResilienceException(e.code(), e.getMessage() + " (logged in with password "
                    + PostgresSettings.PASSWORD.find(s).orElse("none") + ")", e);
        }

        private static Exporter exporterFor(Settings settings) {
            Exporter e = REAL.exporter(settings);
            return context -> {
                try {
                    e.export(context);
                } catch (ResilienceException x) {
                    throw leak(x, settings);
                }
            };
        }

        private static Importer importerFor(Settings settings) {
            Importer i = REAL.importer(settings);
            return new Importer() {
                @Override
                public void importBackup(org.resilient.api.ImportContext context) {
                    try {
                        i.importBackup(context);
                    } catch (ResilienceException x) {
                        throw leak(x, settings);
                    }
                }

                @Override
                public void promote(org.resilient.api.RoleChangeContext context) {
                    i.promote(context);
                }
            };
        }
    }

    /** The contract against {@link LeakyPostgres}; run by the test below, not by the build. */
    @ExtendWith({OnlyWhenLaunched.class, SharedServers.class})
    static final class LeakyKit extends RobustnessContract {
        @Override
        protected ComponentFixture createFixture(Path tempDir) {
            PostgresFixture real = SharedServers.fixture();
            return (ComponentFixture) java.lang.reflect.Proxy.newProxyInstance(ComponentFixture.class.getClassLoader(),
                    new Class<?>[] {ComponentFixture.class}, (proxy, method, args) -> {
                        if (method.getName().equals("provider")) {
                            return new LeakyPostgres();
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    private static final String SECRETS_TEST = "never appears in a log line, printed output or an exception, even when"
            + " the operation fails";

    @Test
    @DisplayName("fails a postgres component that puts its password into an error message, naming the setting")
    void seesTheLeak() {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(LeakyKit.class))
                .configurationParameter(LAUNCHED, "true")
                // Only the secrets group: the rest of the contract runs against the real component in PostgresRobustnessTest.
                .filters((org.junit.platform.launcher.PostDiscoveryFilter) d -> org.junit.platform.engine.FilterResult
                        .includedIf(d.isContainer() || d.getDisplayName().equals(SECRETS_TEST))).build(), listener);
        Map<String, String> failed = new TreeMap<>();
        listener.getSummary().getFailures().forEach(f -> failed.put(f.getTestIdentifier().getDisplayName(),
                String.valueOf(f.getException().getMessage())));
        assertTrue(listener.getSummary().getTestsStartedCount() == 1, () -> "the secrets test did not run alone: "
                + listener.getSummary().getTestsStartedCount() + " started");
        String secrets = failed.getOrDefault(SECRETS_TEST, "");
        assertTrue(secrets.contains("postgres.password") && secrets.contains("component 'postgres'"),
                () -> "the kit did not see the password in the error messages; failures: " + failed);
    }
}
