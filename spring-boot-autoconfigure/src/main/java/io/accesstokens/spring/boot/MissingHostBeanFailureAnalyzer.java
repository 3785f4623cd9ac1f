package io.accesstokens.spring.boot;

import io.accesstokens.spi.Entitlements;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a missing {@code Entitlements} or {@code EnvironmentDirectory} bean, with the code to
 * write.
 */
final class MissingHostBeanFailureAnalyzer
    extends AbstractFailureAnalyzer<MissingHostBeanException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MissingHostBeanException cause) {
    boolean entitlements = cause.beanType() == Entitlements.class;
    String description =
        "access-tokens needs a bean of type "
            + cause.beanType().getName()
            + ", which only the application can write: "
            + (entitlements
                ? "it says which organizations have the EDI application."
                : "it says which environments each organization has.");
    String action =
        entitlements
            ? """
            Define an Entitlements bean in a @Configuration class, answering from memory (it is asked \
            on every management call and validator miss), for example:

                @Bean
                Entitlements entitlements(Organizations organizations) {
                  return (organization, scope) -> organizations.hasEdi(organization.value());
                }

            (Entitlements.all() entitles every organization: tests and single-tenant hosts only.)\
            """
            : """
            Define an EnvironmentDirectory bean in a @Configuration class, for example:

                @Bean
                EnvironmentDirectory environments(Environments environments) {
                  return (organization, environment) ->
                      environments.exists(organization.value(), environment.value());
                }

            (override environments(organization) too, so the page can list them in its menu).\
            """;
    return new FailureAnalysis(description, action, cause);
  }
}
