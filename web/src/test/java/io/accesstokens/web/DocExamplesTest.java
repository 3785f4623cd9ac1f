package io.accesstokens.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.internal.TokenFormat;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.ApiClient.Answer;
import io.accesstokens.web.internal.Problem;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keeps {@code docs/web.md} true: every {@code ```http} request it shows is sent, in order, to a
 * live server, and the answer must be the one it shows (status line, the headers it lists, the JSON
 * body). Ids, masked values, cursors, the anti-forgery token and token values are the server's own:
 * the first time the document shows one, the answer's value is learned, and from then on the
 * document's text stands for it, in later requests and answers alike. Times must be instants. The
 * error table must list exactly the API's codes with their statuses.
 */
@ExtendWith(SecretLeakGuard.class)
class DocExamplesTest {
  private static final Path DOC = Path.of("../docs/web.md");

  /** Fields whose values are the server's own, learned from the first answer that shows them. */
  private static final Set<String> LEARNED = Set.of("id", "token", "next", "csrfToken", "value");

  private static final Set<String> TIMES = Set.of("createdAt", "updatedAt", "expiresAt");
  private static final Map<Integer, String> REASONS =
      Map.of(
          200,
          "OK",
          201,
          "Created",
          204,
          "No Content",
          400,
          "Bad Request",
          403,
          "Forbidden",
          404,
          "Not Found",
          409,
          "Conflict");

  @RegisterExtension
  final WebFixture web =
      new WebFixture(MemoryTokenStore::new)
          .access(new TestAccess().administrator("alice", "acme", "globex"));

  /** The document's stand-ins and the server's values they stand for. */
  private final Map<String, String> learned = new LinkedHashMap<>();

  @Test
  void everyExampleOfTheDocument_isWhatTheServerAnswers() throws IOException {
    List<String> blocks = blocks(Files.readString(DOC));
    assertThat(blocks).as("request and answer blocks").hasSizeGreaterThan(20);
    assertThat(blocks.size() % 2).as("every request is followed by its answer").isZero();
    ApiClient alice = new ApiClient(web.page(), "alice");

    for (int i = 0; i < blocks.size(); i += 2) {
      String request = blocks.get(i);
      String expected = blocks.get(i + 1);
      String where = request.lines().findFirst().orElseThrow();
      Answer answer = alice.send(request(alice, request));

      Message shown = Message.parse(expected);
      Matcher status = Pattern.compile("HTTP/1\\.1 (\\d{3}) (.+)").matcher(shown.start());
      assertThat(status.matches())
          .as(where + ": the answer's first line " + shown.start())
          .isTrue();
      int code = Integer.parseInt(status.group(1));
      assertThat(answer.status()).as(where + " answered " + answer).isEqualTo(code);
      assertThat(status.group(2)).as(where).isEqualTo(REASONS.get(code));
      if (shown.body().isEmpty()) {
        assertThat(answer.body()).as(where).isEmpty();
      } else {
        match(Json.parse(shown.body()), Json.parse(answer.body()), null, where);
      }
      shown
          .headers()
          .forEach(
              (name, value) -> {
                String actual = answer.header(name);
                assertThat(actual).as(where + ": header " + name).isNotNull();
                String wanted = stand(value);
                if (name.equalsIgnoreCase("Set-Cookie")) {
                  assertThat(Set.of(actual.split(";\\s*")))
                      .as(where + ": " + name)
                      .isEqualTo(Set.of(wanted.split(";\\s*")));
                } else {
                  assertThat(actual).as(where + ": header " + name).isEqualToIgnoringCase(wanted);
                }
              });
    }
    assertThat(learned)
        .as("values learned from the answers")
        .containsKeys("3QthUyX9wl7", "8Zk2LmQp0Ab");
  }

  @Test
  void theErrorTable_listsEveryCodeOfTheApi_withItsStatus() throws IOException {
    Matcher row =
        Pattern.compile("(?m)^\\| `([A-Z_]+)` \\| (\\d{3}) \\|").matcher(Files.readString(DOC));
    Map<String, Integer> documented = new LinkedHashMap<>();
    while (row.find()) {
      documented.put(row.group(1), Integer.parseInt(row.group(2)));
    }
    assertThat(documented)
        .isEqualTo(
            Stream.of(Problem.values())
                .collect(
                    Collectors.toMap(
                        Problem::name, Problem::status, (a, b) -> a, LinkedHashMap::new)));
  }

  // ---- requests
  // -----------------------------------------------------------------------------------

  private HttpRequest.Builder request(ApiClient client, String block) {
    Message message = Message.parse(stand(block));
    String[] line = message.start().split(" ");
    HttpRequest.Builder request = client.request(line[1]);
    message
        .headers()
        .forEach(
            (name, value) -> {
              if (!name.equalsIgnoreCase(
                  "Cookie")) { // the client keeps the cookies the server set, as a browser does
                request.header(name, value);
              }
            });
    return request.method(
        line[0],
        message.body().isEmpty()
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(message.body()));
  }

  /** {@code text} with every learned stand-in replaced by the server's value (longest first). */
  private String stand(String text) {
    List<String> keys = new ArrayList<>(learned.keySet());
    keys.sort(Comparator.comparingInt(String::length).reversed());
    for (String key : keys) {
      text = text.replace(key, learned.get(key));
    }
    return text;
  }

  // ---- answers
  // ------------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private void match(
      @Nullable Object shown, @Nullable Object actual, @Nullable String field, String where) {
    String at = where + (field == null ? "" : ": field " + field);
    if (shown instanceof Map<?, ?> object) {
      assertThat(actual).as(at).isInstanceOf(Map.class);
      Map<String, Object> actualObject = (Map<String, Object>) actual;
      assertThat(actualObject.keySet()).as(at).isEqualTo(new HashSet<>(object.keySet()));
      object.forEach(
          (key, value) -> match(value, actualObject.get((String) key), (String) key, where));
    } else if (shown instanceof List<?> list) {
      assertThat(actual).as(at).isInstanceOf(List.class);
      List<Object> actualList = (List<Object>) actual;
      assertThat(actualList).as(at).hasSameSizeAs(list);
      for (int i = 0; i < list.size(); i++) {
        match(list.get(i), actualList.get(i), field, where);
      }
    } else if (shown instanceof String text && field != null && TIMES.contains(field)) {
      assertThat(Instant.parse((String) actual)).as(at).isNotNull();
    } else if (shown instanceof String text && field != null && LEARNED.contains(field)) {
      String value = (String) actual;
      assertThat(value).as(at).isNotNull();
      if (field.equals("value")) {
        assertThat(TokenFormat.isWellFormed(value)).as(at + " is a token value").isTrue();
        assertThat(value)
            .as(at)
            .startsWith(stand(text.substring(0, text.indexOf('…')))); // "atk_<id>…(53 characters)"
      } else if (field.equals("token")) {
        assertThat(value).as(at).matches("atk_[0-9A-Za-z]{11}…");
        assertThat(value).as(at).isEqualTo(stand(text)); // "atk_<id>…": the id learned before
      }
      learn(text, value, at);
    } else if (shown instanceof String text) {
      assertThat(actual).as(at).isEqualTo(stand(text));
    } else {
      assertThat(actual).as(at).isEqualTo(shown);
    }
  }

  private void learn(String shown, String actual, String at) {
    String known = learned.putIfAbsent(shown, actual);
    assertThat(known == null ? actual : known)
        .as(at + ": the document shows " + shown + " for two values")
        .isEqualTo(actual);
  }

  // ---- the document
  // ---------------------------------------------------------------------------------

  /** The contents of every {@code ```http} block, in order. */
  static List<String> blocks(String markdown) {
    Matcher block = Pattern.compile("(?ms)^```http\\n(.*?)^```$").matcher(markdown);
    List<String> out = new ArrayList<>();
    while (block.find()) {
      out.add(block.group(1));
    }
    return out;
  }

  /** A request or an answer as the document shows it: its first line, headers and body. */
  record Message(String start, Map<String, String> headers, String body) {
    static Message parse(String text) {
      String[] parts = text.split("\\n\\n", 2);
      List<String> head = parts[0].lines().toList();
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line : head.subList(1, head.size())) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
      return new Message(head.get(0).strip(), headers, parts.length > 1 ? parts[1].strip() : "");
    }
  }
}
