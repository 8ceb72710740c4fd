package dev.legate.envoy.constraints;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.ProtocolMessageEnum;
import com.google.protobuf.TextFormat;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.pgv.ValidationException;
import io.envoyproxy.pgv.validate.Validate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Turns a PGV {@link ValidationException} into one line: {@code path.field: reason (got value)}. */
final class ViolationText {

  /** A dotted proto name such as {@code .envoy.config.cluster.v3.Cluster.connect_timeout}. */
  private static final Pattern PROTO_NAME =
      Pattern.compile("\\.?[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)+");

  private static final int MAX_VALUE_CHARS = 80;

  private ViolationText() {}

  /**
   * The line for a violation of a rule on one of {@code type}'s own fields, found in the message at {@code path}.
   */
  static String of(CharSequence path, Descriptor type, ValidationException e) {
    String field = fieldName(e.getField());
    FieldDescriptor descriptor = field.isEmpty() ? null : type.findFieldByName(field);
    StringBuilder line = new StringBuilder(path.length() + 64).append(path);
    if (!field.isEmpty()) {
      line.append('.').append(field);
    }
    return line.append(": ").append(reason(e, descriptor)).toString();
  }

  /**
   * The field's own name, the last part of the full name PGV reports. PGV 1.2.1 puts a Go struct dump in place of the
   * name for required wrapper fields ({@code "&{0xc000fe4e80 .envoy...Buffer.max_request_bytes 0x...}"}), so the
   * dotted name is searched for rather than assumed.
   */
  static String fieldName(@Nullable String reported) {
    if (reported == null) {
      return "";
    }
    Matcher matcher = PROTO_NAME.matcher(reported);
    String full = matcher.find() ? matcher.group() : reported.trim();
    return full.substring(full.lastIndexOf('.') + 1);
  }

  private static String reason(ValidationException e, @Nullable FieldDescriptor field) {
    String reason = e.getReason() == null ? "is invalid" : e.getReason();
    Object value = e.getValue();
    if (value instanceof Duration duration && field != null && !reason.contains("required")) {
      // PGV prints the bound with Duration.toString(), which is empty for 0s; say it from the rule instead.
      String rule = durationRule(field);
      if (rule != null) {
        return "value must be " + rule + " (got " + duration(duration) + ")";
      }
    }
    if (reason.startsWith("must ") || reason.startsWith("is ") || reason.startsWith("should ")) {
      reason = "value " + reason;
    }
    if (reason.contains("required") || reason.contains(" got")) {
      return reason;
    }
    String got = shortValue(value);
    return got == null ? reason : reason + " (got " + got + ")";
  }

  private static @Nullable String durationRule(FieldDescriptor field) {
    if (!field.getOptions().hasExtension(Validate.rules)) {
      return null;
    }
    Validate.FieldRules rules = field.getOptions().getExtension(Validate.rules);
    Validate.DurationRules d;
    if (field.isMapField()) {
      d = rules.getMap().getValues().getDuration();
    } else if (field.isRepeated()) {
      d = rules.getRepeated().getItems().getDuration();
    } else {
      d = rules.getDuration();
    }
    List<String> lower = new ArrayList<>();
    List<String> upper = new ArrayList<>();
    List<String> other = new ArrayList<>();
    if (d.hasConst()) {
      other.add("equal to " + duration(d.getConst()));
    }
    if (d.hasGt()) {
      lower.add("greater than " + duration(d.getGt()));
    }
    if (d.hasGte()) {
      lower.add("greater than or equal to " + duration(d.getGte()));
    }
    if (d.hasLt()) {
      upper.add("less than " + duration(d.getLt()));
    }
    if (d.hasLte()) {
      upper.add("less than or equal to " + duration(d.getLte()));
    }
    if (d.getInCount() > 0) {
      other.add("one of " + d.getInList().stream().map(ViolationText::duration).toList());
    }
    if (d.getNotInCount() > 0) {
      other.add("none of " + d.getNotInList().stream().map(ViolationText::duration).toList());
    }
    List<String> all = new ArrayList<>(other);
    if (!lower.isEmpty() && !upper.isEmpty()) {
      Duration low = d.hasGt() ? d.getGt() : d.getGte();
      Duration high = d.hasLt() ? d.getLt() : d.getLte();
      // PGV: a lower bound above the upper bound means "outside the range".
      String joiner = Durations.compare(low, high) > 0 ? " or " : " and ";
      all.add(lower.get(0) + joiner + upper.get(0));
    } else {
      all.addAll(lower);
      all.addAll(upper);
    }
    return all.isEmpty() ? null : String.join(" and ", all);
  }

  private static String duration(Duration d) {
    try {
      return Durations.toString(d);
    } catch (IllegalArgumentException e) {
      return TextFormat.shortDebugString(d);
    }
  }

  private static @Nullable String shortValue(@Nullable Object value) {
    String text;
    if (value == null) {
      return null;
    } else if (value instanceof String s) {
      // Some PGV checks hand over the value already quoted (String.enquote), others the raw string.
      text = s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s : quote(s);
    } else if (value instanceof Number || value instanceof Boolean) {
      text = value.toString();
    } else if (value instanceof Duration d) {
      text = duration(d);
    } else if (value instanceof Timestamp t) {
      try {
        text = Timestamps.toString(t);
      } catch (IllegalArgumentException e) {
        text = TextFormat.shortDebugString(t);
      }
    } else if (value instanceof ProtocolMessageEnum en) {
      text = en.getValueDescriptor().getName();
    } else if (value instanceof EnumValueDescriptor en) {
      text = en.getName();
    } else if (value instanceof ByteString bytes) {
      text = bytes.size() + " bytes";
    } else if (value instanceof Collection<?> items) {
      text = items.size() + " items";
    } else if (value instanceof MessageOrBuilder) {
      return null;
    } else {
      text = value.toString();
    }
    return text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) + "..." : text;
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /**
   * Escapes control characters, so that a violation is one line: PGV embeds raw ones in its reasons (the pattern
   * {@code ^[^\x00\n\r]*$}), and paths hold map keys and type URLs from the checked resource.
   */
  static String oneLine(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != 0x7f) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format("\\x%02x", (int) c));
      }
    }
    return out == null ? s : out.toString();
  }
}
