package io.accesstokens.cli;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenService;

/**
 * One token command's view of the page: the service on the opened database, the organization it
 * acts in and who acts. Closing it closes the database.
 */
final class Session implements AutoCloseable {
  private final Database database;
  private final TokenService service;
  private final OrganizationId organization;
  private final Actor actor;

  Session(Database database, TokenService service, OrganizationId organization, Actor actor) {
    this.database = database;
    this.service = service;
    this.organization = organization;
    this.actor = actor;
  }

  TokenService service() {
    return service;
  }

  OrganizationId organization() {
    return organization;
  }

  Actor actor() {
    return actor;
  }

  @Override
  public void close() {
    database.close();
  }
}
