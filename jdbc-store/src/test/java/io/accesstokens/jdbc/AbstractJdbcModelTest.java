package io.accesstokens.jdbc;

import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.AbstractTokenModelTest;
import java.sql.SQLException;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.jspecify.annotations.Nullable;

/**
 * The model-based property test on a database. jqwik runs no Jupiter extensions, so the {@link
 * TestDatabase} is started and stopped here, around each property, and a database whose URL is not
 * set skips the class with the same reason the Jupiter classes give.
 *
 * <p>Every sequence needs an empty store: the tokens table is emptied with one {@code DELETE}, and
 * the sequence's calls all go through a small pool ({@link TestDatabase#emptyPooledStore()}): with
 * a new connection per call, a thousand sequences take minutes on PostgreSQL instead of seconds.
 */
@AddLifecycleHook(AbstractJdbcModelTest.SkipWithoutDatabase.class)
abstract class AbstractJdbcModelTest extends AbstractTokenModelTest {
  private @Nullable TestDatabase db;

  /** A new, unstarted database of the kind this class runs on. */
  protected abstract TestDatabase database();

  @BeforeProperty
  void startDatabase() throws Exception {
    db = database();
    db.start();
  }

  @AfterProperty
  void stopDatabase() throws SQLException {
    if (db != null) {
      db.stop();
    }
  }

  @Override
  protected TokenStore createStore() {
    return db.emptyPooledStore();
  }

  /** Skips the class, with the reason, when its database is not available here. */
  static final class SkipWithoutDatabase implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      Class<?> container = context.optionalContainerClass().orElse(null);
      if (container == null
          || !AbstractJdbcModelTest.class.isAssignableFrom(container)
          || java.lang.reflect.Modifier.isAbstract(container.getModifiers())) {
        return SkipResult.doNotSkip();
      }
      String reason =
          ((AbstractJdbcModelTest) context.newInstance(container)).database().unavailableReason();
      return reason == null ? SkipResult.doNotSkip() : SkipResult.skip(reason);
    }
  }
}
