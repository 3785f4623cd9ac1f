/**
 * The command-line console: the Access Tokens page for operators, on the library's own API, with an
 * embedded H2 database by default. {@link io.accesstokens.cli.Main} is the runnable jar's entry
 * point; {@link io.accesstokens.cli.Console#run} runs one command line in-process, against a {@link
 * io.accesstokens.cli.Terminal}, which is how the tests drive it.
 */
@NullMarked
package io.accesstokens.cli;

import org.jspecify.annotations.NullMarked;
