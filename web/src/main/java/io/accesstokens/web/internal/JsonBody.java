package io.accesstokens.web.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.accesstokens.internal.Redaction;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A request body: one flat JSON object whose fields are strings, whole numbers or null. Anything
 * else (another shape, an unknown or repeated field, trailing text) is refused with a message that
 * names the field and the rule, never the text that was sent: a body may hold a pasted token value,
 * and the parser's own messages quote what they read.
 */
public final class JsonBody {
  /** The largest body read, in bytes. */
  public static final int MAX_BYTES = 16 * 1024;

  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(4)
                  .maxStringLength(MAX_BYTES)
                  .maxNumberLength(20)
                  .build())
          .build();

  /** A JSON {@code null}, told apart from an absent field. */
  private static final Object NULL = new Object();

  private final Map<String, Object> fields;

  private JsonBody(Map<String, Object> fields) {
    this.fields = fields;
  }

  /**
   * Parses {@code bytes} (UTF-8) as an object with at most the {@code allowed} fields.
   *
   * @throws HttpProblem {@link Problem#INVALID_REQUEST} naming what is wrong
   */
  public static JsonBody parse(byte[] bytes, Set<String> allowed) {
    Map<String, Object> fields = new HashMap<>();
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("the request body must be a JSON object");
      }
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_OBJECT;
          token = parser.nextToken()) {
        String name = parser.currentName();
        if (!allowed.contains(name)) {
          throw invalid(
              "the request body has an unknown field "
                  + Redaction.quote(name, 40)
                  + "; this request takes "
                  + String.join(", ", allowed.stream().sorted().toList()));
        }
        if (fields.containsKey(name)) {
          throw invalid("field \"" + name + "\" is given more than once");
        }
        JsonToken value = parser.nextToken();
        switch (value) {
          case VALUE_STRING -> fields.put(name, parser.getText());
          case VALUE_NUMBER_INT -> fields.put(name, parser.getNumberValue());
          case VALUE_NULL -> fields.put(name, NULL);
          default ->
              throw invalid(
                  "field \""
                      + name
                      + "\" must be "
                      + (name.equals("version") ? "a whole number" : "a string or null")
                      + ", but is "
                      + kind(value));
        }
      }
      if (parser.nextToken() != null) {
        throw invalid("the request body must hold one JSON object and nothing after it");
      }
    } catch (JsonProcessingException e) {
      // The parser's message quotes the text it choked on: only the position is told.
      JsonLocation at = e.getLocation();
      throw invalid(
          "the request body is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw invalid("the request body could not be read");
    }
    return new JsonBody(fields);
  }

  private static String kind(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NUMBER_FLOAT -> "a number with a fraction";
      case VALUE_NUMBER_INT -> "a number";
      default -> "something else";
    };
  }

  /** Whether the body has the field, even as {@code null}. */
  public boolean has(String name) {
    return fields.containsKey(name);
  }

  /** The string field, or {@code null} if it is absent or {@code null}. */
  public @Nullable String string(String name) {
    Object value = fields.get(name);
    if (value == null || value == NULL) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw invalid("field \"" + name + "\" must be a string or null, but is a number");
    }
    return text;
  }

  /** The string field, which must be there and not {@code null}. */
  public String requiredString(String name) {
    String value = string(name);
    if (value == null) {
      throw invalid("field \"" + name + "\" is required");
    }
    return value;
  }

  /** The version field: a whole number of at least 1, or -1 when absent or {@code null}. */
  public long version() {
    Object value = fields.get("version");
    if (value == null || value == NULL) {
      return -1;
    }
    if (value instanceof Number number
        && !(number instanceof java.math.BigInteger)
        && number.longValue() >= 1) {
      return number.longValue();
    }
    throw invalid(
        "field \"version\" must be a whole number of at least 1 (the version the page showed)");
  }

  private static HttpProblem invalid(String message) {
    return new HttpProblem(Problem.INVALID_REQUEST, capitalized(message));
  }

  static String capitalized(String message) {
    return Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".";
  }
}
