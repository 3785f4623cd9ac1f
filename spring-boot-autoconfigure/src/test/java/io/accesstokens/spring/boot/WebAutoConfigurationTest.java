package io.accesstokens.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import io.accesstokens.testing.CapturingAppender;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.AccessTokensServlet;
import io.accesstokens.web.PageAccess;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/** The page's registration and its access policy. */
@ExtendWith(SecretLeakGuard.class)
class WebAutoConfigurationTest {
  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  AccessTokensStoreAutoConfiguration.class,
                  AccessTokensAutoConfiguration.class,
                  AccessTokensWebAutoConfiguration.class))
          .withUserConfiguration(HostBeans.class)
          .withPropertyValues(
              "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
              "access-tokens.copy.policy=digest-only",
              "access-tokens.follower.enabled=false");

  @AfterEach
  void clearSecurity() {
    SecurityContextHolder.clearContext();
  }

  @SuppressWarnings("unchecked")
  private static ServletRegistrationBean<AccessTokensServlet> registration(
      org.springframework.context.ApplicationContext context) {
    return context.getBean("accessTokensServlet", ServletRegistrationBean.class);
  }

  @Test
  void thePage_isMountedUnderItsDefaultPath_withSpringSecurityAnswering() {
    runner.run(
        context -> {
          assertThat(registration(context).getUrlMappings()).containsExactly("/access-tokens/*");
          assertThat(registration(context).getServlet()).isInstanceOf(AccessTokensServlet.class);
          assertThat(context.getBean(PageAccess.class))
              .isInstanceOf(SpringSecurityPageAccess.class);
          assertThat(context).hasSingleBean(AuthenticatedOrganizations.class);
        });
  }

  @Test
  void thePath_isAProperty_andABadOneIsRefused() {
    runner
        .withPropertyValues("access-tokens.web.path=/admin/tokens")
        .run(
            context ->
                assertThat(registration(context).getUrlMappings())
                    .containsExactly("/admin/tokens/*"));
    runner
        .withPropertyValues("access-tokens.web.path=tokens/")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                  .hasMessageContaining("access-tokens.web.path");
            });
  }

  @Test
  void disabled_orNotAWebApplication_orWithoutTheWebModule_noPage() {
    runner
        .withPropertyValues("access-tokens.web.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("accessTokensServlet"));
    runner
        .withClassLoader(new FilteredClassLoader(AccessTokensServlet.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("accessTokensServlet"));
  }

  @Test
  void theApplicationsPageAccess_isUsed() {
    runner
        .withBean("hostAccess", PageAccess.class, () -> HostAccess.INSTANCE)
        .run(
            context -> {
              assertThat(context.getBean(PageAccess.class)).isSameAs(HostAccess.INSTANCE);
              assertThat(context).doesNotHaveBean(SpringSecurityPageAccess.class);
            });
  }

  @Test
  void withoutSpringSecurity_orAnAccessBean_everyoneIsRefused_andAWarningSaysSo() {
    int mark = CapturingAppender.mark();
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .run(
            context -> {
              PageAccess access = context.getBean(PageAccess.class);
              assertThat(access).isSameAs(RefusingPageAccess.INSTANCE);
              assertThat(access.actor(new MockHttpServletRequest())).isEmpty();
              assertThat(access.isAdministrator(Actor.of("alice"), OrganizationId.of("acme")))
                  .isFalse();
            });
    assertThat(CapturingAppender.lines().subList(mark, CapturingAppender.lines().size()))
        .anyMatch(
            line ->
                line.contains("WARN")
                    && line.contains("/access-tokens refuses every request")
                    && line.contains("PageAccess bean"));
  }

  @Test
  void springSecurityAccess_readsTheAuthenticatedPrincipalAndItsAuthorities() {
    SpringSecurityPageAccess access =
        new SpringSecurityPageAccess(AuthenticatedOrganizations.fromAuthorities());
    MockHttpServletRequest request = new MockHttpServletRequest();
    assertThat(access.actor(request)).as("nobody signed in").isEmpty();

    SecurityContextHolder.getContext()
        .setAuthentication(
            new AnonymousAuthenticationToken(
                "key", "anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
    assertThat(access.actor(request)).as("anonymous").isEmpty();

    SecurityContextHolder.getContext()
        .setAuthentication(
            UsernamePasswordAuthenticationToken.authenticated(
                "alice@acme.example",
                null,
                AuthorityUtils.createAuthorityList(
                    "ROLE_USER", "ACCESS_TOKENS_ADMIN:acme", "ACCESS_TOKENS_ADMIN:globex")));
    Optional<Actor> actor = access.actor(request);
    assertThat(actor).contains(Actor.of("alice@acme.example"));
    assertThat(access.organizations(actor.orElseThrow()))
        .containsExactly(OrganizationId.of("acme"), OrganizationId.of("globex"));
    assertThat(access.isAdministrator(actor.orElseThrow(), OrganizationId.of("acme"))).isTrue();
    assertThat(access.isAdministrator(actor.orElseThrow(), OrganizationId.of("initech"))).isFalse();
    assertThat(access.organizations(Actor.of("bob@globex.example")))
        .as("another actor than the signed-in one")
        .isEmpty();
  }

  @Test
  void theAuthenticatedOrganizationsBean_isReplaceable() {
    AuthenticatedOrganizations everyone = authentication -> List.of(OrganizationId.of("acme"));
    runner
        .withBean(AuthenticatedOrganizations.class, () -> everyone)
        .run(
            context -> {
              assertThat(context.getBean(AuthenticatedOrganizations.class)).isSameAs(everyone);
              SecurityContextHolder.getContext()
                  .setAuthentication(
                      UsernamePasswordAuthenticationToken.authenticated("carol", null, List.of()));
              PageAccess access = context.getBean(PageAccess.class);
              assertThat(access.organizations(Actor.of("carol")))
                  .containsExactly(OrganizationId.of("acme"));
            });
  }

  enum HostAccess implements PageAccess {
    INSTANCE;

    @Override
    public Optional<Actor> actor(HttpServletRequest request) {
      return Optional.empty();
    }

    @Override
    public List<OrganizationId> organizations(Actor actor) {
      return List.of();
    }

    @Override
    public boolean isAdministrator(Actor actor, OrganizationId organization) {
      return false;
    }
  }
}
