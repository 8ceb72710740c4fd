package dev.legate.envoy.constraints;

import com.google.protobuf.Any;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import io.envoyproxy.pgv.validate.Validate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Precomputes, per message type, what the walker has to do with a message of that type: whether it has
 * {@code validate.rules} of its own and which of its fields lead to a message that has rules or is an
 * {@code Any}. Fields that cannot lead to either are never looked at, which is what keeps a route table with
 * tens of thousands of routes cheap to check. Thread-safe.
 */
final class Shapes {

  private static final String ANY = Any.getDescriptor().getFullName();

  private final ConcurrentHashMap<Descriptor, Shape> shapes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Descriptor, Boolean> needsVisit = new ConcurrentHashMap<>();

  /** What to do with a message of this type. */
  Shape of(Descriptor type) {
    Shape shape = shapes.get(type);
    if (shape == null) {
      // Not computeIfAbsent: building a shape consults the other map and may run long on a cold cache.
      shape = build(type);
      Shape earlier = shapes.putIfAbsent(type, shape);
      if (earlier != null) {
        shape = earlier;
      }
    }
    return shape;
  }

  private Shape build(Descriptor type) {
    if (type.getFullName().equals(ANY)) {
      return Shape.ANY;
    }
    if (skipped(type)) {
      return Shape.NOTHING;
    }
    List<Child> children = new ArrayList<>();
    for (FieldDescriptor field : type.getFields()) {
      Descriptor target = edgeTarget(field);
      if (target != null && needsVisit(target)) {
        children.add(new Child(field, target));
      }
    }
    boolean ownRules = hasOwnRules(type);
    if (!ownRules && children.isEmpty()) {
      return Shape.NOTHING;
    }
    return new Shape(ownRules, false, children.toArray(new Child[0]));
  }

  /** Whether a message of this type, or anything it can contain, has rules or is an {@code Any}. */
  boolean needsVisit(Descriptor type) {
    Boolean known = needsVisit.get(type);
    if (known == null) {
      known = search(type);
      needsVisit.putIfAbsent(type, known);
    }
    return known;
  }

  /** Breadth-first search of the types reachable from {@code start}; recursive types are handled by the seen set. */
  private boolean search(Descriptor start) {
    Set<Descriptor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Descriptor> queue = new ArrayDeque<>();
    seen.add(start);
    queue.add(start);
    while (!queue.isEmpty()) {
      Descriptor type = queue.poll();
      if (type != start) {
        Boolean known = needsVisit.get(type);
        if (known != null) {
          if (known) {
            return true;
          }
          continue; // nothing below it either
        }
      }
      if (type.getFullName().equals(ANY)) {
        return true;
      }
      if (skipped(type)) {
        continue;
      }
      if (hasOwnRules(type)) {
        return true;
      }
      for (FieldDescriptor field : type.getFields()) {
        Descriptor target = edgeTarget(field);
        if (target != null && seen.add(target)) {
          queue.add(target);
        }
      }
    }
    return false;
  }

  /**
   * The message type a field leads the walker to: its type, or for a map its value type; null for scalar fields,
   * maps of scalars, and fields whose rules say {@code message.skip}.
   */
  private static @Nullable Descriptor edgeTarget(FieldDescriptor field) {
    if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
      return null;
    }
    FieldOptions options = field.getOptions();
    if (options.hasExtension(Validate.rules)) {
      Validate.FieldRules rules = options.getExtension(Validate.rules);
      if (rules.hasMessage() && rules.getMessage().getSkip()) {
        return null;
      }
    }
    if (field.isMapField()) {
      FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
      return value.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? value.getMessageType() : null;
    }
    return field.getMessageType();
  }

  /** {@code option (validate.disabled)} or {@code (validate.ignored)}: PGV checks nothing in or below the message. */
  private static boolean skipped(Descriptor type) {
    var options = type.getOptions();
    return options.getExtension(Validate.disabled) || options.getExtension(Validate.ignored);
  }

  /** Whether the message's own fields or oneofs carry PGV rules, i.e. whether its validator checks anything. */
  private static boolean hasOwnRules(Descriptor type) {
    for (FieldDescriptor field : type.getFields()) {
      if (field.getOptions().hasExtension(Validate.rules)) {
        return true;
      }
    }
    for (OneofDescriptor oneof : type.getOneofs()) {
      if (oneof.getOptions().getExtension(Validate.required)) {
        return true;
      }
    }
    return false;
  }

  /** The precomputed plan for one message type. Immutable. */
  static final class Shape {
    static final Shape NOTHING = new Shape(false, false, new Child[0]);
    static final Shape ANY = new Shape(false, true, new Child[0]);

    final boolean ownRules;
    final boolean any;
    final Child[] children;

    private Shape(boolean ownRules, boolean any, Child[] children) {
      this.ownRules = ownRules;
      this.any = any;
      this.children = children;
    }

    boolean isNothing() {
      return this == NOTHING;
    }
  }

  /** A field the walker must descend into. */
  static final class Child {
    enum Kind {
      SINGLE,
      LIST,
      MAP
    }

    final FieldDescriptor field;
    final Kind kind;
    final String name;
    final Descriptor target;
    final @Nullable FieldDescriptor mapKey;
    final @Nullable FieldDescriptor mapValue;

    /** The target's shape, filled in on first use; a racy but safe cache since {@link Shape} is immutable. */
    @Nullable Shape targetShape;

    Child(FieldDescriptor field, Descriptor target) {
      this.field = field;
      this.target = target;
      this.name = field.getName();
      if (field.isMapField()) {
        this.kind = Kind.MAP;
        this.mapKey = field.getMessageType().findFieldByNumber(1);
        this.mapValue = field.getMessageType().findFieldByNumber(2);
      } else {
        this.kind = field.isRepeated() ? Kind.LIST : Kind.SINGLE;
        this.mapKey = null;
        this.mapValue = null;
      }
    }
  }
}
