/**
 * The Access Tokens page as a Java API and the cached validator: {@code io.accesstokens} for hosts,
 * {@code io.accesstokens.spi} for what they implement. {@code io.accesstokens.internal} is exported
 * only to this library's own modules, which are automatic modules of these names (the {@code
 * Automatic-Module-Name} of their jars): a qualified export names them whether or not they are on
 * the module path, so javac's "module not found" is expected while core alone is compiled.
 */
@SuppressWarnings("module")
module io.accesstokens {
  requires transitive com.github.benmanes.caffeine; // Ticker is part of the builders' API
  requires transitive org.jspecify; // @Nullable in signatures
  requires org.slf4j;

  exports io.accesstokens;
  exports io.accesstokens.spi;
  exports io.accesstokens.internal to
      io.accesstokens.jdbc,
      io.accesstokens.web,
      io.accesstokens.spring.boot,
      io.accesstokens.testing;
}
