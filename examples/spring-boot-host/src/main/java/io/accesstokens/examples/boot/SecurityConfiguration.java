package io.accesstokens.examples.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The page behind a login. The starter's PageAccess reads the signed-in user: the authority {@code
 * ACCESS_TOKENS_ADMIN:acme} makes alice an administrator of acme. The page protects its own changes
 * against cross-site requests (its X-CSRF-Token), so Spring's CSRF check leaves its path alone; the
 * connector's endpoint is open (the token is its credential).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(
                        "/edi/**", "/error", "/actuator/health/**", "/actuator/metrics/**")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .formLogin(Customizer.withDefaults())
        .csrf(csrf -> csrf.ignoringRequestMatchers("/access-tokens/**", "/edi/**"));
    return http.build();
  }

  @Bean
  InMemoryUserDetailsManager users(@Value("${host.demo-password}") String password) {
    return new InMemoryUserDetailsManager(
        User.withUsername("alice@acme.example")
            .password("{noop}" + password)
            .authorities("ACCESS_TOKENS_ADMIN:acme")
            .build());
  }
}
