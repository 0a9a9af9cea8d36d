package org.resilient.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.resilient.api.Capability;

/**
 * Declares what a contract test needs of the implementation under test: component {@link Capability}s or
 * {@link ArchiveFeature}s or {@link TransportFeature}s. On a test method or a {@code @Nested} group (then for each of its tests). The
 * {@link Condition} skips the test, naming the implementation and what it does not declare, before anything
 * runs; nothing in the test's body decides it:
 * <pre>
 * &#64;Test
 * &#64;Requires(Capability.PROMOTE)
 * void promotedStandbyTakesWrites() { ... }
 * </pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Requires {
    /**
     * The component capabilities the test needs (every one).
     *
     * @return the capabilities
     */
    Capability[] value() default {};

    /**
     * The archive features the test needs (every one).
     *
     * @return the features
     */
    ArchiveFeature[] archive() default {};

    /**
     * The transport features the test needs (every one).
     *
     * @return the features
     */
    TransportFeature[] transport() default {};

    /**
     * What the implementation under test declares: implemented by the contract classes, asked by the
     * {@link Condition} of the running test's instance.
     */
    interface Declarations {
        /**
         * Names the implementation for skip messages.
         *
         * @return e.g. {@code component 'postgres'}
         */
        String implementationName();

        /**
         * The component capabilities declared.
         *
         * @return the capabilities (empty for what is not a component)
         */
        default Set<Capability> declaredCapabilities() {
            return Set.of();
        }

        /**
         * The archive features declared.
         *
         * @return the features (empty for what is not an archive)
         */
        default Set<ArchiveFeature> declaredArchiveFeatures() {
            return Set.of();
        }

        /**
         * The transport features declared.
         *
         * @return the features (empty for what is not a transport)
         */
        default Set<TransportFeature> declaredTransportFeatures() {
            return Set.of();
        }
    }

    /** Skips a test whose {@link Requires} names something the implementation under test does not declare. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            List<Requires> all = new ArrayList<>();
            context.getTestMethod().ifPresent(m -> collect(m, all));
            for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
                c.get().getTestClass().ifPresent(t -> collect(t, all));
            }
            if (all.isEmpty()) {
                return ConditionEvaluationResult.enabled("requires nothing");
            }
            Optional<Declarations> declared = context.getTestInstances().flatMap(i -> i.getAllInstances().stream()
                    .filter(Declarations.class::isInstance).map(Declarations.class::cast).findFirst());
            if (declared.isEmpty()) {
                // A group is decided test by test, once the test instances exist.
                return ConditionEvaluationResult.enabled("decided for each test");
            }
            Set<Object> missing = new LinkedHashSet<>();
            for (Requires r : all) {
                for (Capability c : r.value()) {
                    if (!declared.get().declaredCapabilities().contains(c)) {
                        missing.add("Capability." + c);
                    }
                }
                for (ArchiveFeature f : r.archive()) {
                    if (!declared.get().declaredArchiveFeatures().contains(f)) {
                        missing.add("ArchiveFeature." + f);
                    }
                }
                for (TransportFeature f : r.transport()) {
                    if (!declared.get().declaredTransportFeatures().contains(f)) {
                        missing.add("TransportFeature." + f);
                    }
                }
            }
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("declares what the test requires");
            }
            return SkipNotice.disabled(context, declared.get().implementationName() + " does not declare "
                    + String.join(", ", missing.stream().map(Object::toString).toList()) + ", which this test requires");
        }

        private static void collect(AnnotatedElement e, List<Requires> into) {
            Requires r = e.getAnnotation(Requires.class);
            if (r != null) {
                into.add(r);
            }
        }
    }
}
