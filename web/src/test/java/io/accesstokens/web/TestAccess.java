package io.accesstokens.web;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A host's access rules for tests: the actor is named by the {@value #ACTOR_HEADER} header (as a
 * gateway in front of a host might set it), the organization the host has selected by {@value
 * #ORGANIZATION_HEADER}; who administers or merely belongs to which organization is set up by the
 * test.
 */
final class TestAccess implements PageAccess {
  static final String ACTOR_HEADER = "X-Test-Actor";
  static final String ORGANIZATION_HEADER = "X-Test-Organization";

  /** actor → (organization → administrator?), in the order they were added. */
  private final Map<String, Map<OrganizationId, Boolean>> roles = new ConcurrentHashMap<>();

  TestAccess administrator(String actor, String... organizations) {
    for (String organization : organizations) {
      role(actor, organization, true);
    }
    return this;
  }

  TestAccess member(String actor, String... organizations) {
    for (String organization : organizations) {
      role(actor, organization, false);
    }
    return this;
  }

  private void role(String actor, String organization, boolean administrator) {
    roles
        .computeIfAbsent(actor, a -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()))
        .put(OrganizationId.of(organization), administrator);
  }

  @Override
  public Optional<Actor> actor(HttpServletRequest request) {
    return Optional.ofNullable(request.getHeader(ACTOR_HEADER)).map(Actor::of);
  }

  @Override
  public List<OrganizationId> organizations(Actor actor) {
    Map<OrganizationId, Boolean> of = roles.getOrDefault(actor.name(), Map.of());
    synchronized (of) {
      return List.copyOf(of.keySet());
    }
  }

  @Override
  public boolean isAdministrator(Actor actor, OrganizationId organization) {
    return roles.getOrDefault(actor.name(), Map.of()).getOrDefault(organization, false);
  }

  @Override
  public Optional<OrganizationId> currentOrganization(HttpServletRequest request, Actor actor) {
    return Optional.ofNullable(request.getHeader(ORGANIZATION_HEADER)).map(OrganizationId::of);
  }
}
