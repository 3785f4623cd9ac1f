package io.accesstokens.jdbc.internal;

import io.accesstokens.AccessToken;
import io.accesstokens.ConnectionSource;
import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.TokenId;
import io.accesstokens.TokenStatus;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.SealedValue;
import io.accesstokens.spi.StoredToken;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** How a {@link StoredToken} maps to a row of {@code tokens} and back. */
public final class TokenRows {
  /**
   * Every column of a token row, in the order {@link #read} reads them and {@link #bindInsert}
   * binds.
   */
  public static final String COLUMNS =
      "id_key, organization, environment, masked_value, status, description, scope, created_at,"
          + " updated_at, version, digest_key_id, digest, sealed_key_id, sealed_value, expires_at,"
          + " rotated_from, last_used_at, retires_predecessor, last_used_from";

  private TokenRows() {}

  /**
   * The id as the {@code id_key} column keeps it: the sign bit flipped, so that signed order of
   * keys is unsigned order of ids (the order of their text form).
   */
  public static long key(TokenId id) {
    return id.bits() ^ Long.MIN_VALUE;
  }

  /** The id of an {@code id_key}. */
  public static TokenId id(long key) {
    return new TokenId(key ^ Long.MIN_VALUE);
  }

  /** Microseconds since the epoch; finer digits are dropped (core keeps microseconds). */
  public static long micros(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
  }

  public static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** Binds every column of {@code row} in {@link #COLUMNS} order, from 1. */
  public static void bindInsert(PreparedStatement statement, StoredToken row) throws SQLException {
    AccessToken token = row.token();
    statement.setLong(1, key(token.id()));
    statement.setString(2, token.organization().value());
    statement.setString(3, token.environment().value());
    // Written for older versions in a rolling upgrade, which read it; never read here (see read).
    statement.setString(4, token.maskedValue());
    statement.setString(5, token.status().name());
    setNullableString(statement, 6, token.description());
    statement.setString(7, token.scope().name());
    statement.setLong(8, micros(token.createdAt()));
    statement.setLong(9, micros(token.updatedAt()));
    statement.setLong(10, token.version());
    bindSecrets(statement, 11, row);
    setNullableMicros(statement, 15, token.expiresAt());
    TokenId rotatedFrom = token.rotatedFrom();
    if (rotatedFrom == null) {
      statement.setNull(16, Types.BIGINT);
    } else {
      statement.setLong(16, key(rotatedFrom));
    }
    setNullableMicros(statement, 17, token.lastUsedAt());
    statement.setBoolean(18, token.retiresPredecessorOnFirstUse());
    ConnectionSource lastUsedFrom = token.lastUsedFrom();
    setNullableString(statement, 19, lastUsedFrom == null ? null : lastUsedFrom.address());
  }

  /**
   * Binds the update's SET list (status, description, updated_at, version, the secrets, then
   * expires_at) and its WHERE (id_key, organization, expected version).
   */
  public static void bindUpdate(PreparedStatement statement, StoredToken next) throws SQLException {
    AccessToken token = next.token();
    statement.setString(1, token.status().name());
    setNullableString(statement, 2, token.description());
    statement.setLong(3, micros(token.updatedAt()));
    statement.setLong(4, token.version());
    bindSecrets(statement, 5, next);
    setNullableMicros(statement, 9, token.expiresAt());
    statement.setLong(10, key(token.id()));
    statement.setString(11, token.organization().value());
    statement.setLong(12, token.version() - 1);
  }

  /** Microseconds since the epoch, or SQL NULL for {@code null} (never expires). */
  private static void setNullableMicros(
      PreparedStatement statement, int index, @Nullable Instant at) throws SQLException {
    if (at == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, micros(at));
    }
  }

  /** digest_key_id, digest, sealed_key_id and sealed_value from {@code first}. */
  private static void bindSecrets(PreparedStatement statement, int first, StoredToken row)
      throws SQLException {
    statement.setString(first, row.digest().keyId());
    statement.setBytes(first + 1, row.digest().value());
    SealedValue sealed = row.sealedValue();
    if (sealed == null) {
      statement.setNull(first + 2, Types.VARCHAR);
      statement.setNull(first + 3, Types.VARBINARY);
    } else {
      statement.setString(first + 2, sealed.keyId());
      statement.setBytes(first + 3, sealed.ciphertext());
    }
  }

  private static void setNullableString(
      PreparedStatement statement, int index, @Nullable String value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  /**
   * The row at the result's cursor, read in {@link #COLUMNS} order. The {@code masked_value} column
   * (4) is skipped: the masked form is derived from the id, so a row written by an earlier version,
   * which stored a form ending in four checksum characters, never shows it.
   *
   * @throws IllegalArgumentException if a stored value breaks a rule of the domain (a row written
   *     by something other than this store); the message names the rule, never a secret
   */
  public static StoredToken read(ResultSet rs) throws SQLException {
    TokenId id = id(rs.getLong(1));
    AccessToken token =
        new AccessToken(
            id,
            OrganizationId.of(rs.getString(2)),
            EnvironmentId.of(rs.getString(3)),
            TokenStatus.valueOf(rs.getString(5)),
            rs.getString(6),
            Scope.valueOf(rs.getString(7)),
            instant(rs.getLong(8)),
            instant(rs.getLong(9)),
            rs.getLong(10),
            expiry(rs),
            rotatedFrom(rs),
            nullableInstant(rs, 17),
            rs.getBoolean(18), // retires_predecessor (schema version 9): NOT NULL, FALSE by default
            lastUsedFrom(rs));
    LookupDigest digest = new LookupDigest(rs.getString(11), rs.getBytes(12));
    String sealedKeyId = rs.getString(13);
    byte[] sealedValue = rs.getBytes(14);
    SealedValue sealed =
        sealedKeyId == null || sealedValue == null
            ? null
            : new SealedValue(sealedKeyId, sealedValue);
    return new StoredToken(token, digest, sealed);
  }

  /** A nullable microseconds column ({@code last_used_at}, 17: NULL is never used). */
  private static @Nullable Instant nullableInstant(ResultSet rs, int column) throws SQLException {
    long micros = rs.getLong(column);
    return rs.wasNull() ? null : instant(micros);
  }

  /**
   * Column 19, {@code last_used_from}: NULL (no source passed, no use recorded, or a row written
   * before schema version 10) is none. So is a stored text that breaks {@link ConnectionSource}'s
   * rule (written by something other than this store): the column is only shown, and the lookup
   * that reads the row on the validation path must not fail over it.
   */
  private static @Nullable ConnectionSource lastUsedFrom(ResultSet rs) throws SQLException {
    String address = rs.getString(19);
    if (address == null) {
      return null;
    }
    try {
      return ConnectionSource.of(address);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Column 16, {@code rotated_from}: NULL (every row written before schema version 7, and every
   * token created directly) is none.
   */
  private static @Nullable TokenId rotatedFrom(ResultSet rs) throws SQLException {
    long key = rs.getLong(16);
    return rs.wasNull() ? null : id(key);
  }

  /**
   * Binds a rotation's predecessor update: updated_at, version, expires_at, then id_key,
   * organization and the expected version.
   */
  public static void bindRotatedPredecessor(PreparedStatement statement, StoredToken next)
      throws SQLException {
    AccessToken token = next.token();
    statement.setLong(1, micros(token.updatedAt()));
    statement.setLong(2, token.version());
    setNullableMicros(statement, 3, token.expiresAt());
    statement.setLong(4, key(token.id()));
    statement.setString(5, token.organization().value());
    statement.setLong(6, token.version() - 1);
  }

  /** Column 15, {@code expires_at}: NULL (every row written before schema version 5) is never. */
  private static @Nullable Instant expiry(ResultSet rs) throws SQLException {
    long micros = rs.getLong(15);
    return rs.wasNull() ? null : instant(micros);
  }
}
