package io.accesstokens;

/**
 * Receives audit events after the change they describe is stored. Called on the thread that made
 * the change, in registration order. An exception from a listener is logged and swallowed: it can
 * neither undo the change nor stop the other listeners. A listener that does slow work should hand
 * it off.
 */
@FunctionalInterface
public interface TokenEventListener {
  void onEvent(TokenEvent event);
}
