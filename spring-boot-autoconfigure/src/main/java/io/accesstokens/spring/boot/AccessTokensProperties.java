package io.accesstokens.spring.boot;

import io.accesstokens.ChangeFollower;
import io.accesstokens.TokenValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code access-tokens.*} properties. Each default is the library's own ({@code DEFAULT_*}
 * constants); a value is checked by the builder it goes to, and a bad one stops the start with a
 * message naming the property. No secret is ever part of {@link #toString()}.
 */
@ConfigurationProperties("access-tokens")
public class AccessTokensProperties {

  /** Which store to configure: the application's DataSource, or the heap. */
  public enum StoreType {
    /** {@code JdbcTokenStore} on the application's {@code DataSource}. */
    JDBC,
    /** {@code MemoryTokenStore}: tokens in this JVM's heap, for tests and demos. */
    MEMORY
  }

  /** What Copy can do. */
  public enum CopyPolicyType {
    /** Values sealed with AES-GCM under the current key of {@code access-tokens.copy.keys}. */
    SEALED,
    /** Sealed under a random key that lives only in this JVM (tests, the memory store). */
    EPHEMERAL,
    /** No value kept: shown once at creation, Copy refused. */
    DIGEST_ONLY
  }

  /** Which store to configure. */
  private StoreType store = StoreType.JDBC;

  private final Jdbc jdbc = new Jdbc();
  private final Copy copy = new Copy();
  private final Validator validator = new Validator();
  private final Follower follower = new Follower();
  private final Web web = new Web();

  public StoreType getStore() {
    return store;
  }

  public void setStore(StoreType store) {
    this.store = store;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  public Copy getCopy() {
    return copy;
  }

  public Validator getValidator() {
    return validator;
  }

  public Follower getFollower() {
    return follower;
  }

  public Web getWeb() {
    return web;
  }

  @Override
  public String toString() {
    return "AccessTokensProperties[store=" + store + ", copy=" + copy + "]";
  }

  /** The JDBC store on the application's DataSource. */
  public static class Jdbc {
    /** Prefix of every table and index name: [a-z][a-z0-9_]{0,23}. */
    private String tablePrefix = "at_";

    /** Longest a token operation's statement may run. */
    private Duration queryTimeout = Duration.ofSeconds(10);

    /** Longest the statement that writes a change record may run. */
    private Duration changeLogTimeout = Duration.ofSeconds(2);

    /** Longest the migration at start waits while another node migrates. */
    private Duration migrationLockTimeout = Duration.ofSeconds(60);

    /** Whether the schema is created or migrated when the application starts. */
    private boolean migrate = true;

    public String getTablePrefix() {
      return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }

    public Duration getQueryTimeout() {
      return queryTimeout;
    }

    public void setQueryTimeout(Duration queryTimeout) {
      this.queryTimeout = queryTimeout;
    }

    public Duration getChangeLogTimeout() {
      return changeLogTimeout;
    }

    public void setChangeLogTimeout(Duration changeLogTimeout) {
      this.changeLogTimeout = changeLogTimeout;
    }

    public Duration getMigrationLockTimeout() {
      return migrationLockTimeout;
    }

    public void setMigrationLockTimeout(Duration migrationLockTimeout) {
      this.migrationLockTimeout = migrationLockTimeout;
    }

    public boolean isMigrate() {
      return migrate;
    }

    public void setMigrate(boolean migrate) {
      this.migrate = migrate;
    }
  }

  /** The copy policy and its keys. */
  public static class Copy {
    /** What Copy can do; sealed needs keys (here or a KeyRing bean). */
    private CopyPolicyType policy = CopyPolicyType.SEALED;

    /** The sealing keys, each with an id; exactly one is current. */
    private List<Key> keys = new ArrayList<>();

    public CopyPolicyType getPolicy() {
      return policy;
    }

    public void setPolicy(CopyPolicyType policy) {
      this.policy = policy;
    }

    public List<Key> getKeys() {
      return keys;
    }

    public void setKeys(List<Key> keys) {
      this.keys = keys;
    }

    @Override
    public String toString() {
      return "Copy[policy=" + policy + ", keys=" + keys + "]";
    }
  }

  /** One sealing key. Its value never appears in {@link #toString()}. */
  public static class Key {
    /** The key's id, stored beside every value sealed under it. */
    private @Nullable String id;

    /**
     * The key, Base64 (32 bytes for AES-256). Masked in /actuator/env and /actuator/configprops.
     */
    private @Nullable String value;

    /** Whether new values are sealed under this key; the others are retired (still open). */
    private boolean current;

    public @Nullable String getId() {
      return id;
    }

    public void setId(@Nullable String id) {
      this.id = id;
    }

    public @Nullable String getValue() {
      return value;
    }

    public void setValue(@Nullable String value) {
      this.value = value;
    }

    public boolean isCurrent() {
      return current;
    }

    public void setCurrent(boolean current) {
      this.current = current;
    }

    @Override
    public String toString() {
      return "Key[id="
          + id
          + ", current="
          + current
          + ", value="
          + (value == null ? "none" : "******")
          + "]";
    }
  }

  /** The validator's cache and lookups. */
  public static class Validator {
    /** Tokens whose answers are cached. */
    private long maximumSize = TokenValidator.DEFAULT_MAXIMUM_SIZE;

    /**
     * Hard expiry of a cached answer; unset, the library's default: 30 minutes with a change
     * follower (its lease keeps the cache fresh), 60 seconds without one.
     */
    private @Nullable Duration expireAfter;

    /** Unknown well-formed values remembered. */
    private long negativeMaximumSize = TokenValidator.DEFAULT_NEGATIVE_MAXIMUM_SIZE;

    /** How long an unknown value is refused without asking the store again. */
    private Duration negativeExpireAfter = TokenValidator.DEFAULT_NEGATIVE_EXPIRE_AFTER;

    /** Longest a miss waits for the store before failing closed with STORE_UNAVAILABLE. */
    private Duration lookupTimeout = TokenValidator.DEFAULT_LOOKUP_TIMEOUT;

    /** Store lookups running at once; more fail closed. */
    private int maxConcurrentLookups = TokenValidator.DEFAULT_MAX_CONCURRENT_LOOKUPS;

    /**
     * Whether accepted tokens' uses are recorded for the Last used column, and flushed to the store
     * every last-used-interval on a scheduler the auto-configuration manages.
     */
    private boolean recordLastUsed;

    /**
     * How often a token's use is recorded and the recorded uses are flushed (each token written at
     * most once per interval per node); used only with record-last-used.
     */
    private Duration lastUsedInterval = TokenValidator.DEFAULT_LAST_USED_INTERVAL;

    public long getMaximumSize() {
      return maximumSize;
    }

    public void setMaximumSize(long maximumSize) {
      this.maximumSize = maximumSize;
    }

    public @Nullable Duration getExpireAfter() {
      return expireAfter;
    }

    public void setExpireAfter(@Nullable Duration expireAfter) {
      this.expireAfter = expireAfter;
    }

    public long getNegativeMaximumSize() {
      return negativeMaximumSize;
    }

    public void setNegativeMaximumSize(long negativeMaximumSize) {
      this.negativeMaximumSize = negativeMaximumSize;
    }

    public Duration getNegativeExpireAfter() {
      return negativeExpireAfter;
    }

    public void setNegativeExpireAfter(Duration negativeExpireAfter) {
      this.negativeExpireAfter = negativeExpireAfter;
    }

    public Duration getLookupTimeout() {
      return lookupTimeout;
    }

    public void setLookupTimeout(Duration lookupTimeout) {
      this.lookupTimeout = lookupTimeout;
    }

    public int getMaxConcurrentLookups() {
      return maxConcurrentLookups;
    }

    public void setMaxConcurrentLookups(int maxConcurrentLookups) {
      this.maxConcurrentLookups = maxConcurrentLookups;
    }

    public boolean isRecordLastUsed() {
      return recordLastUsed;
    }

    public void setRecordLastUsed(boolean recordLastUsed) {
      this.recordLastUsed = recordLastUsed;
    }

    public Duration getLastUsedInterval() {
      return lastUsedInterval;
    }

    public void setLastUsedInterval(Duration lastUsedInterval) {
      this.lastUsedInterval = lastUsedInterval;
    }
  }

  /** The change follower of a JDBC store (several nodes on one database). */
  public static class Follower {
    /** Whether a JDBC store's changes made on other nodes are followed. */
    private boolean enabled = true;

    /** How often the change log is read when nothing wakes the follower sooner. */
    private Duration pollInterval = ChangeFollower.DEFAULT_POLL_INTERVAL;

    /** The refusal bound across nodes. */
    private Duration stalenessBound = ChangeFollower.DEFAULT_STALENESS_BOUND;

    /** The longest a write transaction may take. */
    private Duration longestTransaction = ChangeFollower.DEFAULT_LONGEST_TRANSACTION;

    /** Changes older than this are pruned by this node; 0 turns pruning off. */
    private Duration retention = ChangeFollower.DEFAULT_RETENTION;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getStalenessBound() {
      return stalenessBound;
    }

    public void setStalenessBound(Duration stalenessBound) {
      this.stalenessBound = stalenessBound;
    }

    public Duration getLongestTransaction() {
      return longestTransaction;
    }

    public void setLongestTransaction(Duration longestTransaction) {
      this.longestTransaction = longestTransaction;
    }

    public Duration getRetention() {
      return retention;
    }

    public void setRetention(Duration retention) {
      this.retention = retention;
    }
  }

  /** The page (module access-tokens-web). */
  public static class Web {
    /** Whether the page is served when its module is on the class path. */
    private boolean enabled = true;

    /** Where the page is mounted. */
    private String path = "/access-tokens";

    /** Rows per page of the page's table. */
    private int pageSize = 25;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public int getPageSize() {
      return pageSize;
    }

    public void setPageSize(int pageSize) {
      this.pageSize = pageSize;
    }
  }
}
