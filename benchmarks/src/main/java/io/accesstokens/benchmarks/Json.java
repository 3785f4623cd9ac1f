package io.accesstokens.benchmarks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The one Jackson mapper of the benchmark tools, which read JMH's result files and write the
 * results' JSON ({@code summary.json}, {@code heap.json}, {@code propagation*.json}) in one layout:
 * two-space indentation, arrays on one line, every figure with at most 6 significant digits (an
 * integral one without a fraction), and a figure that is not a number written as {@code null}.
 */
final class Json {
  /**
   * Reads what JMH writes, skipping the fields the tools do not use and reading a bare {@code NaN}
   * as not-a-number; a field the records read that is missing or null fails the read with its name
   * (so a record's fields are never null unless declared {@code @Nullable} or defaulted with
   * {@code @JsonSetter(nulls = Nulls.AS_EMPTY)}). Writes in the results' layout.
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .defaultPrettyPrinter(layout())
          .addModule(
              new SimpleModule("figures")
                  .addSerializer(Double.class, new FigureSerializer())
                  .addSerializer(double.class, new FigureSerializer()))
          .build();

  private Json() {}

  /** {@code value} as the results' JSON, with a final line break. */
  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + value.getClass().getSimpleName(), e);
    }
  }

  /** An integral figure without a fraction, any other rounded to 6 significant digits. */
  static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /**
   * {@code "key": value}, {@code [a, b]}, {@code {}} and {@code []} when empty, lines ending in \n.
   */
  private static DefaultPrettyPrinter layout() {
    Separators separators =
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withArrayValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withSeparators(separators);
    printer.indentObjectsWith(new DefaultIndenter("  ", "\n"));
    printer.indentArraysWith(new DefaultPrettyPrinter.NopIndenter());
    return printer;
  }

  /** Writes a figure as {@link #number}, or null when it is not a number. */
  private static final class FigureSerializer extends StdSerializer<Double> {
    private static final long serialVersionUID = 1L;

    FigureSerializer() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      if (value.isNaN() || value.isInfinite()) {
        generator.writeNull();
      } else {
        generator.writeNumber(number(value));
      }
    }
  }
}
