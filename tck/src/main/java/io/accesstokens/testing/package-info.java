/**
 * The TCK: the contract suites every {@link io.accesstokens.spi.TokenStore} runs ({@link
 * io.accesstokens.testing.TokenStoreTck} runs them all on one store), and what they run on.
 *
 * <p>Not {@code @NullMarked}, unlike the library's packages: the suites pass null where the API
 * forbids it, on purpose, to prove each refusal; Error Prone's other checks still run here.
 */
package io.accesstokens.testing;
