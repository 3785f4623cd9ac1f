/** {@link io.accesstokens.memory.MemoryTokenStore}: tokens kept in this JVM's heap. */
@NullMarked
package io.accesstokens.memory;

import org.jspecify.annotations.NullMarked;
