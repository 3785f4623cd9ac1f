package io.accesstokens.jdbc;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;

import io.accesstokens.TokenId;
import io.accesstokens.TokenService;

/** The writes of the page that change an existing token, for the tests that cut one short. */
enum PageWrite {
  DEACTIVATE,
  EDIT,
  DELETE;

  /** Makes this write to token {@code id} of {@link io.accesstokens.testing.Fixtures#ACME}. */
  Object on(TokenService service, TokenId id) {
    return switch (this) {
      case DEACTIVATE -> service.deactivate(ACME, id, ALICE);
      case EDIT -> service.editDescription(ACME, id, "after", ALICE);
      case DELETE -> service.delete(ACME, id, ALICE);
    };
  }
}
