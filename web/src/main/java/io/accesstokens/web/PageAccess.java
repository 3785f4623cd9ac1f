package io.accesstokens.web;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;

/**
 * The host's answer to "who is this, and may they manage this organization's access tokens?", asked
 * by {@link AccessTokensServlet} on every request of its API. The page is for administrators: a
 * request acts in one organization, which must be one of {@link #organizations} and one the actor
 * {@link #isAdministrator administers}; everything else is refused before the token service is
 * called.
 *
 * <p>Implementations are called on the container's request threads, concurrently, and should answer
 * from what the host already knows about the request (its session, its security context), not from
 * a slow store. The servlet never caches an answer between requests.
 */
public interface PageAccess {
  /**
   * Who sent this request, as the host authenticated them (its session, a principal, a header its
   * gateway sets); empty when nobody is signed in, which the API answers with 401 {@code
   * UNAUTHENTICATED}.
   */
  Optional<Actor> actor(HttpServletRequest request);

  /**
   * The organizations whose access tokens {@code actor} may manage: the page's organization menu
   * lists those of them that the actor {@link #isAdministrator administers}, in this order.
   */
  List<OrganizationId> organizations(Actor actor);

  /** Whether {@code actor} is an administrator of {@code organization}. */
  boolean isAdministrator(Actor actor, OrganizationId organization);

  /**
   * The organization the host has selected for this request, as its organization switcher shows it,
   * when the page does not name one itself ({@code ?organization=} on the page's address). The page
   * then opens on it, or says that it is not the actor's to manage. The default selects none, and
   * the page opens on the first organization the actor administers.
   */
  default Optional<OrganizationId> currentOrganization(HttpServletRequest request, Actor actor) {
    return Optional.empty();
  }
}
