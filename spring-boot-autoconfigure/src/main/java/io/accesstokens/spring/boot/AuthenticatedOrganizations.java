package io.accesstokens.spring.boot;

import io.accesstokens.OrganizationId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Which organizations a signed-in principal administers, for the page. Define a bean of this type
 * to replace the default, {@link #fromAuthorities()}.
 */
public interface AuthenticatedOrganizations {
  /** The prefix of the default's authorities: {@code ACCESS_TOKENS_ADMIN:acme} administers acme. */
  String AUTHORITY_PREFIX = "ACCESS_TOKENS_ADMIN:";

  /** The organizations {@code authentication} administers, in the order the page lists them. */
  List<OrganizationId> administered(Authentication authentication);

  /**
   * The default: one granted authority {@value #AUTHORITY_PREFIX}{@code <organization>} per
   * organization the principal administers. Authorities that do not make a valid organization id
   * are ignored.
   */
  static AuthenticatedOrganizations fromAuthorities() {
    return authentication -> {
      List<OrganizationId> organizations = new ArrayList<>();
      for (GrantedAuthority authority : authentication.getAuthorities()) {
        String name = authority.getAuthority();
        if (name != null
            && name.toUpperCase(Locale.ROOT).startsWith(AUTHORITY_PREFIX)
            && name.length() > AUTHORITY_PREFIX.length()) {
          try {
            OrganizationId organization =
                OrganizationId.of(name.substring(AUTHORITY_PREFIX.length()));
            if (!organizations.contains(organization)) {
              organizations.add(organization);
            }
          } catch (IllegalArgumentException e) {
            // Not an organization id: not ours.
          }
        }
      }
      return List.copyOf(organizations);
    };
  }
}
