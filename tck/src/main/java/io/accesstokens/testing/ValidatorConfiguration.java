package io.accesstokens.testing;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * One way a host configures the validator, which {@link AbstractTokenValidatorTest} builds before
 * each test: where store lookups run, and which {@linkplain io.accesstokens.FreshnessLease
 * freshness lease} it has. Every answer of the validator must be the same in each.
 *
 * @param lookups where store lookups run
 * @param lease which freshness lease the validator has
 */
public record ValidatorConfiguration(Lookups lookups, Lease lease) {

  /** Where store lookups run. */
  public enum Lookups {
    /** On the calling thread ({@code lookupExecutor(Runnable::run)}). */
    INLINE("inline lookups"),
    /**
     * On the validator's own lookup pool (no lookup executor set: the default), a caller waiting at
     * most the lookup timeout.
     */
    EXECUTOR("the default lookup pool");

    private final String text;

    Lookups(String text) {
      this.text = text;
    }
  }

  /** How long cached answers may be trusted. */
  public enum Lease {
    /** None set: the builder's default, {@link io.accesstokens.FreshnessLease#always()}. */
    ALWAYS_TRUSTED("always trusted"),
    /**
     * A {@link io.accesstokens.ChangeFollower} over a {@link ScriptedChangeFeed}, driven by the
     * test: warmed up when the validator is built and caught up whenever the test moves time on, as
     * a follower that keeps up is.
     */
    FOLLOWER("a caught-up follower's lease");

    private final String text;

    Lease(String text) {
      this.text = text;
    }
  }

  @Override
  public String toString() {
    return lookups.text + ", " + lease.text;
  }

  /**
   * Runs each {@link ValidatorTest} once per configuration its attributes allow, handing the
   * configuration to the test class's methods that ask for a {@link ValidatorConfiguration}.
   */
  public static final class Provider implements TestTemplateInvocationContextProvider {
    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
      return AnnotationSupport.isAnnotated(context.getTestMethod(), ValidatorTest.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
        ExtensionContext context) {
      Method method = context.getRequiredTestMethod();
      ValidatorTest spec =
          AnnotationSupport.findAnnotation(method, ValidatorTest.class).orElseThrow();
      List<Lease> leases = Arrays.asList(spec.lease());
      return Arrays.stream(spec.lookups())
          .flatMap(
              lookups -> leases.stream().map(lease -> new ValidatorConfiguration(lookups, lease)))
          .map(Invocation::new);
    }
  }

  private record Invocation(ValidatorConfiguration configuration)
      implements TestTemplateInvocationContext, ParameterResolver {
    @Override
    public String getDisplayName(int invocationIndex) {
      return configuration.toString();
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(this);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == ValidatorConfiguration.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return configuration;
    }
  }
}
