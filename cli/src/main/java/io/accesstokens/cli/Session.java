package io.accesstokens.cli;

import io.accesstokens.Actor;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenService;

/**
 * One token command's view of the page: the service on the opened database, the organization it
 * acts in and who acts. Closing it closes the database.
 */
record Session(Database database, TokenService service, OrganizationId organization, Actor actor)
    implements AutoCloseable {

  @Override
  public void close() {
    database.close();
  }
}
