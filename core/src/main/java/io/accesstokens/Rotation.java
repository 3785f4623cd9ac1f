package io.accesstokens;

import io.accesstokens.internal.Checks;

/**
 * What {@link TokenService#rotate} returns: the successor with its full value, shown this once as
 * by {@link TokenService#create}, and the predecessor's new row (its expiry at the end of the
 * overlap).
 *
 * @param successor the new token (Active, {@link AccessToken#rotatedFrom()} the predecessor) and
 *     its value, whose {@code toString()} is masked
 * @param predecessor the rotated token's row after the rotation
 */
public record Rotation(IssuedToken successor, AccessToken predecessor) {
  public Rotation {
    Checks.notNull(successor, "successor");
    Checks.notNull(predecessor, "predecessor");
  }
}
