package dev.legate.envoy.constraints;

import com.google.protobuf.Message;
import java.lang.reflect.InvocationTargetException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the type URL of a {@code google.protobuf.Any} to the default instance of its generated Java class.
 *
 * <p>Every Envoy {@code .proto} file sets {@code java_package = "io.envoyproxy." + package} and
 * {@code java_multiple_files = true}, so {@code type.googleapis.com/envoy.X.Y.v3.Msg} is the class
 * {@code io.envoyproxy.envoy.X.Y.v3.Msg} and a nested message {@code envoy.X.Y.v3.Msg.Inner} is
 * {@code io.envoyproxy.envoy.X.Y.v3.Msg$Inner}. The xDS, UDPA and well-known types that Envoy configuration also packs
 * into an {@code Any} follow the same scheme with their own Java prefixes. A candidate class is accepted only if its
 * descriptor's full name is the type name, so a wrong guess never yields a wrong type. Thread-safe.
 */
final class AnyTypes {

  /** Proto package prefix and the Java package prefix that replaces it, for the protos that ship in the api jar. */
  private static final String[][] PACKAGE_PREFIXES = {
    {"envoy.", "io.envoyproxy.envoy."},
    {"xds.", "com.github.xds."},
    {"udpa.", "com.github.udpa.udpa."},
    {"google.protobuf.", "com.google.protobuf."},
  };

  /** Type names come from the checked resources; do not let a flood of bad ones grow the negative cache forever. */
  private static final int MAX_REMEMBERED_FAILURES = 1024;

  private final ConcurrentHashMap<String, Message> resolved = new ConcurrentHashMap<>();
  private final Set<String> unresolvable = ConcurrentHashMap.newKeySet();
  private final ClassLoader loader;

  AnyTypes(ClassLoader loader) {
    this.loader = loader;
  }

  /** The type name of a type URL: what follows its last {@code /}. */
  static String typeName(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
  }

  /** The default instance of the message whose full proto name is {@code typeName}, or null if it is not known. */
  @Nullable Message defaultInstance(String typeName) {
    Message found = resolved.get(typeName);
    if (found != null) {
      return found;
    }
    if (unresolvable.contains(typeName)) {
      return null;
    }
    found = lookUp(typeName);
    if (found != null) {
      Message earlier = resolved.putIfAbsent(typeName, found);
      return earlier != null ? earlier : found;
    }
    if (unresolvable.size() < MAX_REMEMBERED_FAILURES) {
      unresolvable.add(typeName);
    }
    return null;
  }

  private @Nullable Message lookUp(String typeName) {
    for (String[] prefix : PACKAGE_PREFIXES) {
      if (!typeName.startsWith(prefix[0])) {
        continue;
      }
      String[] segments = typeName.substring(prefix[0].length()).split("\\.", -1);
      for (String segment : segments) {
        if (segment.isEmpty()) {
          return null;
        }
      }
      // Proto packages are lower case and message names capitalised: try that split first, then every other one.
      int conventional = segments.length - 1;
      for (int i = 0; i < segments.length; i++) {
        if (Character.isUpperCase(segments[i].charAt(0))) {
          conventional = i;
          break;
        }
      }
      Message found = candidate(typeName, prefix[1], segments, conventional);
      for (int split = segments.length - 1; found == null && split >= 0; split--) {
        if (split != conventional) {
          found = candidate(typeName, prefix[1], segments, split);
        }
      }
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** Tries the class whose package is {@code segments[0..split)} and whose (nested) class path is the rest. */
  private @Nullable Message candidate(String typeName, String javaPrefix, String[] segments, int split) {
    StringBuilder className = new StringBuilder(javaPrefix);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        className.append(i <= split ? '.' : '$');
      }
      className.append(segments[i]);
    }
    try {
      Class<?> type = Class.forName(className.toString(), false, loader);
      if (!Message.class.isAssignableFrom(type)) {
        return null;
      }
      Object instance = type.getMethod("getDefaultInstance").invoke(null);
      if (instance instanceof Message message && message.getDescriptorForType().getFullName().equals(typeName)) {
        return message;
      }
      return null;
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | IllegalAccessException
        | InvocationTargetException
        | LinkageError
        | ClassCastException e) {
      return null;
    }
  }
}
