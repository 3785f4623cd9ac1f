package io.accesstokens.testing;

import io.accesstokens.spi.TokenStore;
import net.jqwik.api.Group;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole contract for one {@link TokenStore}: every suite of this module, as nested classes of
 * one test class. A store runs all of them by extending this class and saying how to make an empty
 * store; that is the one class a host writing its own store adds to its tests:
 *
 * <pre>{@code
 * class MyTokenStoreTest extends TokenStoreTck {
 *   @Override
 *   protected TokenStore createStore() {
 *     return new MyTokenStore(...); // new and empty: called before every test
 *   }
 * }
 * }</pre>
 *
 * <p>JUnit Jupiter runs the twelve suites of examples ({@code @Nested}); jqwik runs the model test
 * ({@code @Group}: jqwik does not see Jupiter's nested classes, nor Jupiter jqwik's groups). Every
 * test runs under the {@link SecretLeakGuard}. A store whose set-up needs more than {@link
 * #createStore()} overrides the hooks below; a subclass adds suites of its own as further nested
 * classes (this project's JDBC store does).
 */
@ExtendWith(SecretLeakGuard.class)
public abstract class TokenStoreTck {

  /** A new, empty store. Called before each test of every suite, and for each model sequence. */
  protected abstract TokenStore createStore();

  /**
   * An empty store for the suites that make thousands of calls (tenant isolation, the model test);
   * by default {@link #createStore()}. A store that opens a connection per call may hand out one
   * over a small pool here.
   */
  protected TokenStore createStoreForManyCalls() {
    return createStore();
  }

  /**
   * The stores of two nodes that share their tokens, as two application servers share a database;
   * by default one store twice. A store whose nodes would each have a connection pool of their own
   * returns two stores over two pools here.
   */
  protected TokenStore[] createNodeStores() {
    TokenStore shared = createStore();
    return new TokenStore[] {shared, shared};
  }

  /**
   * The change log of {@code store} that other nodes' followers read, or null if it keeps none; by
   * default the store itself if it is a {@link io.accesstokens.spi.ChangeFeed}.
   */
  protected io.accesstokens.spi.@Nullable ChangeFeed changeFeedOf(TokenStore store) {
    return store instanceof io.accesstokens.spi.ChangeFeed feed ? feed : null;
  }

  /**
   * Why this store cannot run here (a server that is not configured), or null. Jupiter's suites are
   * the store's to skip (with an extension or an assumption); the model test, which jqwik runs
   * outside Jupiter, is reported as skipped with this reason.
   */
  protected @Nullable String unavailableReason() {
    return null;
  }

  /**
   * Opens what the store needs before a jqwik property runs; jqwik runs no Jupiter extensions, so
   * resources an extension opens for the Jupiter suites are not open then. Nothing by default.
   */
  protected void openOutsideJupiter() throws Exception {}

  /** Closes what {@link #openOutsideJupiter()} opened, after the property. */
  protected void closeOutsideJupiter() throws Exception {}

  @Nested
  class StoreContract extends AbstractTokenStoreContractTest {
    @Override
    protected TokenStore createStore() {
      return TokenStoreTck.this.createStore();
    }

    @Override
    protected io.accesstokens.spi.@Nullable ChangeFeed changeFeedOf(TokenStore store) {
      return TokenStoreTck.this.changeFeedOf(store);
    }
  }

  @Nested
  class Service extends AbstractTokenServiceTest {
    @Override
    protected TokenStore createStore() {
      return TokenStoreTck.this.createStore();
    }
  }

  @Nested
  class Validator extends AbstractTokenValidatorTest {
    @Override
    protected TokenStore createStore() {
      return TokenStoreTck.this.createStore();
    }
  }

  @Nested
  class BadInput extends AbstractBadInputTest {
    @Override
    protected TokenStore createStore() {
      return TokenStoreTck.this.createStore();
    }
  }

  @Nested
  class Fault extends AbstractFaultTest {
    @Override
    protected TokenStore createStore() {
      return TokenStoreTck.this.createStore();
    }
  }

  @Nested
  class SecretLeak extends AbstractSecretLeakTest {
    @Override
    protected TokenStore createStore() {
      return TokenStoreTck.this.createStore();
    }
  }

  @Nested
  class LeakResponse extends AbstractLeakResponseTest {
    @Override
    protected TokenStore createStore() {
      return createStoreForManyCalls();
    }

    @Override
    protected io.accesstokens.spi.@Nullable ChangeFeed changeFeedOf(TokenStore store) {
      return TokenStoreTck.this.changeFeedOf(store);
    }
  }

  @Nested
  class TenantIsolation extends AbstractTenantIsolationTest {
    @Override
    protected TokenStore createStore() {
      return createStoreForManyCalls();
    }
  }

  @Nested
  class TwoNodeConcurrency extends AbstractTwoNodeConcurrencyTest {
    @Override
    protected TokenStore[] createNodeStores() {
      return TokenStoreTck.this.createNodeStores();
    }
  }

  @Nested
  class ChangeFollower extends AbstractChangeFollowerTest {
    @Override
    protected TokenStore createStore() {
      return TokenStoreTck.this.createStore();
    }

    @Override
    protected io.accesstokens.spi.@Nullable ChangeFeed changeFeedOf(TokenStore store) {
      return TokenStoreTck.this.changeFeedOf(store);
    }
  }

  @Nested
  class IssuedIds extends AbstractIssuedIdsTest {
    @Override
    protected TokenStore createStore() {
      return TokenStoreTck.this.createStore();
    }

    @Override
    protected io.accesstokens.spi.@Nullable ChangeFeed changeFeedOf(TokenStore store) {
      return TokenStoreTck.this.changeFeedOf(store);
    }
  }

  @Nested
  class RetireOnFirstUse extends AbstractRetireOnFirstUseTest {
    @Override
    protected TokenStore createStore() {
      return TokenStoreTck.this.createStore();
    }

    @Override
    protected TokenStore[] createNodeStores() {
      return TokenStoreTck.this.createNodeStores();
    }

    @Override
    protected io.accesstokens.spi.@Nullable ChangeFeed changeFeedOf(TokenStore store) {
      return TokenStoreTck.this.changeFeedOf(store);
    }
  }

  @Group
  @AddLifecycleHook(value = OutsideJupiter.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
  class Model extends AbstractTokenModelTest {
    @Override
    protected TokenStore createStore() {
      return createStoreForManyCalls();
    }
  }

  /**
   * Around each jqwik property of a {@link TokenStoreTck}: skips it when the store is {@linkplain
   * #unavailableReason() unavailable}, else opens and closes what the store needs outside Jupiter.
   */
  public static final class OutsideJupiter implements SkipExecutionHook, AroundPropertyHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      if (context instanceof PropertyLifecycleContext property) {
        String reason = tck(property).unavailableReason();
        return reason == null ? SkipResult.doNotSkip() : SkipResult.skip(reason);
      }
      return SkipResult.doNotSkip();
    }

    @Override
    public PropertyExecutionResult aroundProperty(
        PropertyLifecycleContext context, PropertyExecutor property) throws Throwable {
      TokenStoreTck tck = tck(context);
      tck.openOutsideJupiter();
      try {
        return property.execute();
      } finally {
        tck.closeOutsideJupiter();
      }
    }

    private static TokenStoreTck tck(PropertyLifecycleContext context) {
      return (TokenStoreTck) context.testInstances().get(0);
    }
  }
}
