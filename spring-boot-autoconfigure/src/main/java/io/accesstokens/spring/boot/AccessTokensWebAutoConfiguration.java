package io.accesstokens.spring.boot;

import io.accesstokens.TokenService;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.web.AccessTokensServlet;
import io.accesstokens.web.PageAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The page (module {@code access-tokens-web}), in a servlet web application: its servlet under
 * {@code access-tokens.web.path}, asking a {@link PageAccess} who may do what. Without a {@code
 * PageAccess} bean, Spring Security's authenticated principal answers (through an {@link
 * AuthenticatedOrganizations} bean the application can replace); without Spring Security either,
 * the page refuses every request and a warning says so at start.
 */
@AutoConfiguration(after = AccessTokensAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({AccessTokensServlet.class, ServletRegistrationBean.class})
@ConditionalOnBean(TokenService.class)
@ConditionalOnProperty(
    prefix = "access-tokens.web",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class AccessTokensWebAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(AccessTokensWebAutoConfiguration.class);

  @Bean
  @ConditionalOnMissingBean(name = "accessTokensServlet")
  ServletRegistrationBean<AccessTokensServlet> accessTokensServlet(
      TokenService service,
      EnvironmentDirectory environments,
      PageAccess access,
      AccessTokensProperties properties) {
    AccessTokensProperties.Web web = properties.getWeb();
    String path = web.getPath();
    if (!path.startsWith("/") || (path.length() > 1 && path.endsWith("/")) || path.contains("*")) {
      throw new InvalidConfigurationPropertyValueException(
          "access-tokens.web.path",
          Settings.shown(path),
          "the page's path must start with '/' and end without one (for example /access-tokens),"
              + " or be '/' for the root");
    }
    AccessTokensServlet.Builder builder =
        AccessTokensServlet.builder(service, environments, access);
    Settings.set("access-tokens.web.page-size", web.getPageSize(), builder::pageSize);
    ServletRegistrationBean<AccessTokensServlet> registration =
        new ServletRegistrationBean<>(builder.build(), path.equals("/") ? "/*" : path + "/*");
    registration.setName("accessTokensServlet");
    return registration;
  }

  /** Spring Security answers: who is signed in, and what they administer. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SecurityContextHolder.class)
  static class SpringSecurity {
    @Bean
    @ConditionalOnMissingBean
    AuthenticatedOrganizations accessTokensOrganizations() {
      return AuthenticatedOrganizations.fromAuthorities();
    }

    @Bean
    @ConditionalOnMissingBean
    PageAccess accessTokensPageAccess(AuthenticatedOrganizations organizations) {
      return new SpringSecurityPageAccess(organizations);
    }
  }

  /** No access policy at all: refuse everyone, and say so. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("org.springframework.security.core.context.SecurityContextHolder")
  static class NoAccessPolicy {
    @Bean
    @ConditionalOnMissingBean
    PageAccess accessTokensPageAccess(AccessTokensProperties properties) {
      log.warn(
          "The access-tokens page at {} refuses every request: the application defines no"
              + " PageAccess bean and Spring Security is not on the class path. Define a PageAccess"
              + " bean (who is signed in, which organizations they administer), add Spring"
              + " Security, or set access-tokens.web.enabled=false.",
          properties.getWeb().getPath());
      return RefusingPageAccess.INSTANCE;
    }
  }
}
