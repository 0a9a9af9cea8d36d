package org.resilient.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a contract test that the implementation under test is known to fail, so it is skipped with the
 * reason instead of breaking the build (like Guava testlib's {@code suppressing}). Put it on the concrete
 * test class; name the test method and say why, and where the issue is tracked:
 * <pre>
 * &#64;KnownIssue(test = "oldestFirstByBackupTime", reason = "lists in store order; see issue 7")
 * class MyArchiveTest extends ArchiveContract { ... }
 * </pre>
 * A known issue is a debt, not a pass: the skipped test shows in every report with its reason.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(KnownIssue.List.class)
public @interface KnownIssue {
    /**
     * The test method's name.
     *
     * @return e.g. {@code oldestFirstByBackupTime}
     */
    String test();

    /**
     * Why it fails and where it is tracked.
     *
     * @return the reason shown for the skip
     */
    String reason();

    /** The container of repeated {@link KnownIssue}s. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        /**
         * The issues.
         *
         * @return the issues
         */
        KnownIssue[] value();
    }

    /** Skips the tests named by {@link KnownIssue}s on the concrete test class (or an enclosing one). */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<java.lang.reflect.Method> method = context.getTestMethod();
            if (method.isEmpty()) {
                return ConditionEvaluationResult.enabled("not a test method");
            }
            String name = method.get().getName();
            for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
                Optional<Class<?>> type = c.get().getTestClass();
                if (type.isPresent()) {
                    Optional<KnownIssue> issue = Arrays.stream(type.get().getAnnotationsByType(KnownIssue.class))
                            .filter(k -> k.test().equals(name)).findFirst();
                    if (issue.isPresent()) {
                        return SkipNotice.disabled(context, "known issue of " + type.get().getSimpleName() + ": "
                                + issue.get().reason());
                    }
                }
            }
            return ConditionEvaluationResult.enabled("no known issue");
        }
    }
}
