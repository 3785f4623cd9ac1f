package io.accesstokens.spring.boot;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import io.accesstokens.web.PageAccess;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;

/** Nobody is signed in, ever: the page answers every API request with 401. */
enum RefusingPageAccess implements PageAccess {
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
