/** An example Spring Boot host of access-tokens. */
@NullMarked
package io.accesstokens.examples.boot;

import org.jspecify.annotations.NullMarked;
