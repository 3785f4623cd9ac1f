package io.accesstokens.cli;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenService;
import java.nio.file.Path;

/**
 * One token command's view of the page: the service on the opened database, the organization it acts
 * in and who acts. Closing it closes the database.
 */
final class Session implements AutoCloseable {
  private final Database database;
  private final TokenService service;
  private final OrganizationId organization;
  private final Actor actor;
  private final ConsoleConfig config;
  private final Path configFile;

  Session(Database database, TokenService service, OrganizationId organization, Actor actor,
      ConsoleConfig config, Path configFile) {
    this.database = database;
    this.service = service;
    this.organization = organization;
    this.actor = actor;
    this.config = config;
    this.configFile = configFile;
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

  ConsoleConfig config() {
    return config;
  }

  Path configFile() {
    return configFile;
  }

  @Override
  public void close() {
    database.close();
  }
}
