package io.accesstokens.spring.boot;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import io.accesstokens.web.PageAccess;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The page's access from Spring Security: the actor is the authenticated principal's name, and the
 * organizations it administers come from {@link AuthenticatedOrganizations}. Anonymous means nobody
 * is signed in. The page asks on the request's own thread, where Spring Security keeps the context.
 */
public final class SpringSecurityPageAccess implements PageAccess {
  private final AuthenticatedOrganizations organizations;

  /** Access answered by {@code organizations} for the current principal. */
  public SpringSecurityPageAccess(AuthenticatedOrganizations organizations) {
    this.organizations = organizations;
  }

  private static @Nullable Authentication current() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null
        || !authentication.isAuthenticated()
        || authentication instanceof AnonymousAuthenticationToken) {
      return null;
    }
    return authentication;
  }

  @Override
  public Optional<Actor> actor(HttpServletRequest request) {
    Authentication authentication = current();
    if (authentication == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Actor.of(authentication.getName()));
    } catch (IllegalArgumentException e) {
      return Optional
          .empty(); // a name the library refuses as an actor: not signed in, for the page
    }
  }

  @Override
  public List<OrganizationId> organizations(Actor actor) {
    Authentication authentication = current();
    return authentication == null || !authentication.getName().equals(actor.name())
        ? List.of()
        : organizations.administered(authentication);
  }

  @Override
  public boolean isAdministrator(Actor actor, OrganizationId organization) {
    return organizations(actor).contains(organization);
  }

  @Override
  public String toString() {
    return "SpringSecurityPageAccess";
  }
}
