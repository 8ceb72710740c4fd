package dev.legate.envoy.constraints;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Internal;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.legate.envoy.constraints.Shapes.Child;
import dev.legate.envoy.constraints.Shapes.Shape;
import io.envoyproxy.pgv.ValidationException;
import io.envoyproxy.pgv.Validator;
import io.envoyproxy.pgv.ValidatorImpl;
import io.envoyproxy.pgv.ValidatorIndex;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Checks Envoy v3 resources (a {@code Cluster}, {@code Listener}, {@code RouteConfiguration}, ... or any message from
 * the Envoy API) against the {@code validate.rules} annotations of Envoy's own {@code .proto} files, the same rules
 * Envoy applies when it accepts configuration.
 *
 * <p>The rules are checked by validators that protoc-gen-validate generates at build time from the {@code .proto}
 * files in the {@code io.envoyproxy.controlplane:api} jar. Those validators do not look inside
 * {@code google.protobuf.Any} fields ({@code typed_config}, {@code typed_per_filter_config}, ...), so this class walks
 * the message tree itself: it checks each message's own fields with its generated validator, unpacks every
 * {@code Any} to its concrete Envoy message and checks that too, recursively. An {@code Any} whose type URL names no
 * known message, or whose bytes do not decode, is itself a violation.
 *
 * <p>A check is two passes. The first lets the generated validators recurse through the tree with direct calls,
 * handing them an index that also unpacks every {@code Any}; it stops at the first violation and knows no paths. Only
 * when it fails does the second pass run: a walk that tracks the field path and collects every violation, and that
 * skips every field whose type can neither carry a rule nor, transitively, an {@code Any} (decided once per message
 * type). Valid resources, the common case, cost only the first pass.
 *
 * <p>A generated validator stops at the first broken rule of a message, so at most one violation is reported per
 * message, but every message in the tree is checked. Fields marked {@code (validate.rules).message.skip} and messages
 * marked {@code (validate.disabled)} or {@code (validate.ignored)} are not looked into.
 *
 * <p>Instances are thread-safe and meant to be reused: they cache validators, per-type plans and {@code Any} type
 * resolutions.
 */
public final class EnvoyConstraints {

  /** Stands for "protoc-gen-validate generated nothing for this class" in the validator cache. */
  private static final ValidatorImpl<Message> NO_VALIDATOR = (proto, index) -> {};

  private static final Validator<Object> ALWAYS_VALID = proto -> {};

  private final Shapes shapes = new Shapes();
  private final AnyTypes types;
  // Plain maps rather than ClassValue: a ClassValue whose values reach back to this instance would pin it forever.
  private final ConcurrentHashMap<Class<?>, ValidatorImpl<Message>> validators = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Class<?>, Validator<Object>> fastValidators = new ConcurrentHashMap<>();
  private final ValidatorIndex fastIndex =
      new ValidatorIndex() {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public <T> Validator<T> validatorFor(Class clazz) {
          return (Validator<T>) fastValidatorFor(clazz);
        }
      };

  /** A checker with empty caches. */
  public EnvoyConstraints() {
    ClassLoader loader = EnvoyConstraints.class.getClassLoader();
    this.types = new AnyTypes(loader != null ? loader : ClassLoader.getSystemClassLoader());
  }

  /**
   * Checks a message and everything in it, including the messages packed in {@code Any} fields.
   *
   * @param message an Envoy API message, typically a whole xDS resource
   * @return empty when valid; otherwise human-readable violations, each naming the field path, e.g.
   *     {@code "Cluster.connect_timeout: value must be greater than 0s (got -1s)"} or
   *     {@code "Listener.filter_chains[0].filters[0].typed_config(HttpConnectionManager).stat_prefix: length must be
   *     at least 1 but got: 0"}. The path starts with the message's type name; {@code [i]} is a list index,
   *     {@code [key]} a map key, and {@code (Type)} the type an {@code Any} was unpacked to.
   */
  public List<String> violations(Message message) {
    Objects.requireNonNull(message, "message");
    Message root = concrete(message);
    Exception failure = firstFailure(root);
    if (failure == null) {
      return List.of();
    }
    Shape shape = shapes.of(root.getDescriptorForType());
    Walk walk = new Walk(root.getDescriptorForType().getName());
    visit(root, shape, walk);
    if (walk.violations != null) {
      return List.copyOf(walk.violations);
    }
    // The two passes apply the same rules, so this is not expected; never drop a failure all the same.
    String detail =
        failure instanceof ValidationException e
            ? ViolationText.fieldName(e.getField()) + ": " + e.getReason()
            : "validator failed: " + failure;
    return List.of(root.getDescriptorForType().getName() + ": " + detail);
  }

  /**
   * The fast pass: the generated validators recurse through the tree themselves with direct calls, and this index
   * hands them a validator for each sub-message that also unpacks {@code Any}s. It stops at the first violation and
   * knows no paths, so when it fails the slower, path-tracking walk ({@link #visit}) runs to say what is wrong. Valid
   * resources, the common case, cost only this pass.
   *
   * @return null when the message is valid, else the first failure
   */
  private @Nullable Exception firstFailure(Message root) {
    try {
      fastValidatorFor(root.getClass()).assertValid(root);
      return null;
    } catch (ValidationException | RuntimeException e) {
      return e;
    }
  }

  private Validator<Object> fastValidatorFor(Class<?> type) {
    Validator<Object> validator = fastValidators.get(type);
    if (validator == null) {
      validator = fastValidator(type);
      Validator<Object> earlier = fastValidators.putIfAbsent(type, validator);
      if (earlier != null) {
        validator = earlier;
      }
    }
    return validator;
  }

  private ValidatorImpl<Message> generatedValidatorFor(Class<?> type) {
    ValidatorImpl<Message> validator = validators.get(type);
    if (validator == null) {
      validator = generatedValidator(type);
      ValidatorImpl<Message> earlier = validators.putIfAbsent(type, validator);
      if (earlier != null) {
        validator = earlier;
      }
    }
    return validator;
  }

  private Validator<Object> fastValidator(Class<?> type) {
    if (type == Any.class) {
      return proto -> checkAnyFast((Any) proto);
    }
    ValidatorImpl<Message> generated = generatedValidatorFor(type);
    if (generated != NO_VALIDATOR) {
      return proto -> generated.assertValid((Message) proto, fastIndex);
    }
    if (!Message.class.isAssignableFrom(type)) {
      return ALWAYS_VALID;
    }
    // No generated validator (a well-known type, an Envoy v2 type, a DynamicMessage): walk it with the slow pass, but
    // only if its type can hold rules or an Any at all.
    @SuppressWarnings("unchecked")
    Descriptor descriptor = defaultDescriptor((Class<? extends Message>) type);
    if (descriptor != null && shapes.of(descriptor).isNothing()) {
      return ALWAYS_VALID;
    }
    return proto -> {
      Message message = (Message) proto;
      Shape shape = shapes.of(message.getDescriptorForType());
      if (!shape.isNothing()) {
        Walk walk = new Walk(message.getDescriptorForType().getName());
        visit(message, shape, walk);
        if (walk.violations != null) {
          throw new ValidationException(walk.path.toString(), message, walk.violations.get(0));
        }
      }
    };
  }

  private void checkAnyFast(Any any) throws ValidationException {
    Message prototype = any.getTypeUrl().isEmpty() ? null : types.defaultInstance(AnyTypes.typeName(any.getTypeUrl()));
    if (prototype == null) {
      throw new ValidationException("", any.getTypeUrl(), "unknown type URL");
    }
    Message unpacked;
    try {
      unpacked = prototype.getParserForType().parseFrom(any.getValue());
    } catch (InvalidProtocolBufferException e) {
      throw new ValidationException("", any.getTypeUrl(), "cannot decode");
    }
    fastValidatorFor(unpacked.getClass()).assertValid(unpacked);
  }

  private static @Nullable Descriptor defaultDescriptor(Class<? extends Message> type) {
    try {
      return Internal.getDefaultInstance(type).getDescriptorForType();
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** The slow pass: visits what {@link Shapes} says may matter, tracking the path, and records every violation. */
  private void visit(Message message, Shape shape, Walk walk) {
    if (shape.any) {
      if (message instanceof Any any) {
        visitAny(any, walk);
      }
      return;
    }
    if (shape.ownRules) {
      checkOwnFields(message, walk);
    }
    for (Child child : shape.children) {
      Shape target = child.targetShape;
      if (target == null) {
        target = shapes.of(child.target);
        child.targetShape = target;
      }
      int mark = walk.path.length();
      switch (child.kind) {
        case SINGLE -> {
          if (message.hasField(child.field)) {
            walk.path.append('.').append(child.name);
            visit((Message) message.getField(child.field), target, walk);
            walk.path.setLength(mark);
          }
        }
        case LIST -> {
          int count = message.getRepeatedFieldCount(child.field);
          for (int i = 0; i < count; i++) {
            walk.path.append('.').append(child.name).append('[').append(i).append(']');
            visit((Message) message.getRepeatedField(child.field, i), target, walk);
            walk.path.setLength(mark);
          }
        }
        case MAP -> {
          int count = message.getRepeatedFieldCount(child.field);
          for (int i = 0; i < count; i++) {
            Message entry = (Message) message.getRepeatedField(child.field, i);
            walk.path.append('.').append(child.name).append('[');
            walk.path.append(entry.getField(Objects.requireNonNull(child.mapKey))).append(']');
            visit((Message) entry.getField(Objects.requireNonNull(child.mapValue)), target, walk);
            walk.path.setLength(mark);
          }
        }
      }
    }
  }

  private void visitAny(Any any, Walk walk) {
    String typeUrl = any.getTypeUrl();
    if (typeUrl.isEmpty()) {
      walk.add(walk.path + ": Any has an empty type URL");
      return;
    }
    Message prototype = types.defaultInstance(AnyTypes.typeName(typeUrl));
    if (prototype == null) {
      walk.add(walk.path + ": unknown type URL \"" + typeUrl + "\"");
      return;
    }
    Message unpacked;
    try {
      unpacked = prototype.getParserForType().parseFrom(any.getValue());
    } catch (InvalidProtocolBufferException e) {
      walk.add(walk.path + ": cannot decode " + typeUrl + ": " + e.getMessage());
      return;
    }
    Shape shape = shapes.of(unpacked.getDescriptorForType());
    if (shape.isNothing()) {
      return;
    }
    int mark = walk.path.length();
    walk.path.append('(').append(unpacked.getDescriptorForType().getName()).append(')');
    visit(unpacked, shape, walk);
    walk.path.setLength(mark);
  }

  private void checkOwnFields(Message message, Walk walk) {
    ValidatorImpl<Message> validator = generatedValidatorFor(message.getClass());
    if (validator == NO_VALIDATOR) {
      return;
    }
    try {
      // The walk descends into sub-messages itself, so the validator must not: hand it an index that does nothing.
      validator.assertValid(message, ValidatorIndex.ALWAYS_VALID);
    } catch (ValidationException e) {
      walk.add(ViolationText.of(walk.path, message.getDescriptorForType(), e));
    } catch (RuntimeException e) {
      walk.add(walk.path + ": validator failed: " + e);
    }
  }

  /**
   * A {@link DynamicMessage} of a known Envoy type is re-read as its generated class, which is what the generated
   * validators accept. Anything else is walked as it is.
   */
  private Message concrete(Message message) {
    if (!(message instanceof DynamicMessage)) {
      return message;
    }
    Message prototype = types.defaultInstance(message.getDescriptorForType().getFullName());
    if (prototype == null) {
      return message;
    }
    try {
      return prototype.getParserForType().parseFrom(message.toByteString());
    } catch (InvalidProtocolBufferException e) {
      return message;
    }
  }

  /**
   * The validator protoc-gen-validate generated for a message class: for {@code a.b.Outer$Inner} the static
   * {@code a.b.OuterValidator.validatorFor(Class)}, as {@code io.envoyproxy.pgv.ReflectiveValidatorIndex} finds it.
   */
  @SuppressWarnings("unchecked")
  private static ValidatorImpl<Message> generatedValidator(Class<?> type) {
    if (!Message.class.isAssignableFrom(type) || type == DynamicMessage.class) {
      return NO_VALIDATOR;
    }
    Class<?> outer = type;
    while (outer.getEnclosingClass() != null) {
      outer = outer.getEnclosingClass();
    }
    try {
      Class<?> holder = Class.forName(outer.getName() + "Validator", true, type.getClassLoader());
      Method factory = holder.getDeclaredMethod("validatorFor", Class.class);
      Object validator = factory.invoke(null, type);
      return validator instanceof ValidatorImpl<?> impl ? (ValidatorImpl<Message>) impl : NO_VALIDATOR;
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | IllegalAccessException
        | InvocationTargetException
        | LinkageError e) {
      return NO_VALIDATOR;
    }
  }

  /** The state of one call: the path to the message being visited and the violations so far. */
  private static final class Walk {
    final StringBuilder path;
    @Nullable List<String> violations;

    Walk(String root) {
      this.path = new StringBuilder(128).append(root);
    }

    void add(String violation) {
      if (violations == null) {
        violations = new ArrayList<>();
      }
      violations.add(ViolationText.oneLine(violation));
    }
  }
}
