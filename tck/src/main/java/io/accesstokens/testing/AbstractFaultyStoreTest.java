package io.accesstokens.testing;

import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.TokenStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the suites that provoke a store's failures start from: a new store wrapped in a {@link
 * FaultyTokenStore}, the fixtures' service on it and a validator with the defaults, closed after
 * each test.
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class AbstractFaultyStoreTest {
  /** A new, empty store. */
  protected abstract TokenStore createStore();

  protected FaultyTokenStore store;
  protected TokenService service;
  protected TokenValidator validator;

  @BeforeEach
  void setUpService() {
    store = new FaultyTokenStore(createStore());
    service = Fixtures.serviceOn(store).build();
    validator = TokenValidator.builder(service).build();
  }

  @AfterEach
  void closeValidator() {
    validator.close();
  }
}
