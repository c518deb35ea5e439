package org.clr4j.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the text spec {@code name(key=value, ...)}. Values are numbers, words, {@code LOW:HIGH} pairs or nested
 * specs. Every error quotes the whole spec, the 1-based column and the offending text; rule violations found by the
 * builders are reported at the key that carries the value.
 */
final class SpecParser {
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private static final Map<String, Keys> KEYS = new LinkedHashMap<>();

  static {
    Keys cyclic = new Keys(List.of("base", "max", "up"), List.of("down", "momentum", "decay"));
    KEYS.put("triangular", cyclic);
    KEYS.put("triangular2", cyclic);
    KEYS.put("exp_range", new Keys(List.of("base", "max", "up", "gamma"), List.of("down", "momentum", "decay")));
    KEYS.put("onecycle", new Keys(List.of("max", "total"),
        List.of("pct", "div", "final_div", "anneal", "phases", "momentum")));
    KEYS.put("constant", new Keys(List.of("lr"), List.of()));
    KEYS.put("step", new Keys(List.of("lr", "every", "gamma"), List.of()));
    KEYS.put("exponential", new Keys(List.of("lr", "gamma"), List.of()));
    KEYS.put("cosine", new Keys(List.of("lr", "total"), List.of("min")));
    KEYS.put("cosine_restarts", new Keys(List.of("lr", "first"), List.of("mult", "min")));
    KEYS.put("warmup", new Keys(List.of("steps", "then"), List.of("start")));
    KEYS.put("sequence", new Keys(List.of("first", "at", "then"), List.of()));
  }

  private record Keys(List<String> required, List<String> optional) {
    List<String> all() {
      List<String> all = new ArrayList<>(required);
      all.addAll(optional);
      return all;
    }
  }

  /** A parsed {@code name(...)}: its name, where it starts, and its arguments in order. */
  private record Node(String name, int pos, Map<String, Arg> args) {}

  /** One {@code key=value}; {@code nested} is set when the value is itself a spec. */
  private record Arg(String key, int keyPos, String raw, int valuePos, Node nested) {}

  /**
   * How deeply specs may nest. Real specs nest two or three levels; the limit keeps a hostile spec (thousands of
   * levels) from overflowing the parser's and the schedule's stack.
   */
  static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;
  private int depth;

  private SpecParser(String text) {
    this.text = text;
  }

  static Schedule parse(String spec) {
    if (spec == null) {
      throw new IllegalArgumentException("schedule spec must not be null");
    }
    SpecParser p = new SpecParser(spec);
    p.skipSpace();
    if (p.pos == spec.length()) {
      throw new IllegalArgumentException("schedule spec is empty; expected e.g. "
          + "\"triangular(base=0.001, max=0.006, up=2000)\" or \"onecycle(max=0.1, total=1000)\"");
    }
    Node node = p.node();
    p.skipSpace();
    if (p.pos < spec.length()) {
      throw p.error(p.pos, "unexpected text '" + spec.substring(p.pos) + "' after the closing parenthesis");
    }
    return p.build(node);
  }

  // ---- syntax ----

  private Node node() {
    int start = pos;
    String name = word();
    if (name.isEmpty()) {
      throw error(pos, "expected a schedule name (" + String.join(", ", KEYS.keySet()) + ") but found "
          + found());
    }
    if (!KEYS.containsKey(name)) {
      throw error(start, "unknown schedule '" + name + "'; known: " + String.join(", ", KEYS.keySet()));
    }
    skipSpace();
    expect('(', "'(' after '" + name + "'");
    Map<String, Arg> args = new LinkedHashMap<>();
    skipSpace();
    if (peek() == ')') {
      pos++;
      return new Node(name, start, args);
    }
    while (true) {
      skipSpace();
      int keyPos = pos;
      String key = word();
      if (key.isEmpty()) {
        throw error(pos, "expected a key of " + name + " (" + String.join(", ", KEYS.get(name).all())
            + ") but found " + found());
      }
      if (!KEYS.get(name).all().contains(key)) {
        throw error(keyPos, "unknown key '" + key + "' for " + name + "; its keys are "
            + String.join(", ", KEYS.get(name).all()));
      }
      if (args.containsKey(key)) {
        throw error(keyPos, "duplicate key '" + key + "'");
      }
      skipSpace();
      expect('=', "'=' after '" + key + "'");
      skipSpace();
      int valuePos = pos;
      Arg arg;
      if (isNestedStart()) {
        if (++depth > MAX_DEPTH) {
          throw error(valuePos, "specs nest more than " + MAX_DEPTH + " levels deep");
        }
        Node nested = node();
        depth--;
        arg = new Arg(key, keyPos, text.substring(valuePos, pos), valuePos, nested);
      } else {
        String raw = scalar();
        if (raw.isEmpty()) {
          throw error(pos, "missing value for '" + key + "'");
        }
        arg = new Arg(key, keyPos, raw, valuePos, null);
      }
      args.put(key, arg);
      skipSpace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ')') {
        pos++;
        break;
      } else {
        throw error(pos, "expected ',' or ')' after " + key + "=" + arg.raw() + " but found " + found());
      }
    }
    for (String req : KEYS.get(name).required()) {
      if (!args.containsKey(req)) {
        throw error(start, name + " is missing required key '" + req + "' (required: "
            + String.join(", ", KEYS.get(name).required()) + ")");
      }
    }
    return new Node(name, start, args);
  }

  /** A value that starts with {@code word(} is a nested spec. */
  private boolean isNestedStart() {
    int i = pos;
    while (i < text.length() && isWordChar(text.charAt(i))) {
      i++;
    }
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i > pos && i < text.length() && text.charAt(i) == '(' && Character.isLetter(text.charAt(pos));
  }

  private String scalar() {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ',' || c == ')' || c == '(' || c == '=' || Character.isWhitespace(c)) {
        break;
      }
      pos++;
    }
    return text.substring(start, pos);
  }

  private String word() {
    int start = pos;
    while (pos < text.length() && isWordChar(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private void expect(char c, String what) {
    if (peek() != c) {
      throw error(pos, "expected " + what + " but found " + found());
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private String found() {
    return pos < text.length() ? "'" + text.charAt(pos) + "'" : "the end of the spec";
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private SpecError error(int at, String message) {
    // A huge spec is not repeated whole: the message stays one readable line.
    String shown = text.length() <= 240 ? text : text.substring(0, 200) + "… (" + text.length() + " characters)";
    return new SpecError("invalid schedule spec \"" + shown + "\" at column " + (at + 1) + ": "
        + message);
  }

  // ---- semantics ----

  private Schedule build(Node n) {
    Map<String, Arg> a = n.args();
    try {
      switch (n.name()) {
        case "triangular":
        case "triangular2":
        case "exp_range": {
          CyclicScheduleBuilder b = Schedules.cyclic(CyclicPolicy.fromSpecName(n.name()));
          set(a.get("base"), () -> b.baseLr(number(a.get("base"))));
          set(a.get("max"), () -> b.maxLr(number(a.get("max"))));
          set(a.get("up"), () -> b.stepSizeUp(whole(a.get("up"))));
          set(a.get("down"), () -> b.stepSizeDown(whole(a.get("down"))));
          set(a.get("gamma"), () -> b.gamma(number(a.get("gamma"))));
          set(a.get("decay"), () -> b.decay(number(a.get("decay"))));
          set(a.get("momentum"), () -> {
            double[] m = pair(a.get("momentum"));
            b.momentum(m[0], m[1]);
          });
          return b.build();
        }
        case "onecycle": {
          OneCycleScheduleBuilder b = Schedules.oneCycle();
          set(a.get("max"), () -> b.maxLr(number(a.get("max"))));
          set(a.get("total"), () -> b.totalSteps(whole(a.get("total"))));
          set(a.get("pct"), () -> b.pctStart(number(a.get("pct"))));
          set(a.get("div"), () -> b.divFactor(number(a.get("div"))));
          set(a.get("final_div"), () -> b.finalDivFactor(number(a.get("final_div"))));
          set(a.get("anneal"), () -> b.anneal(Anneal.fromSpecName(word(a.get("anneal")))));
          set(a.get("phases"), () -> {
            long phases = whole(a.get("phases"));
            if (phases != 2 && phases != 3) {
              throw new IllegalArgumentException("phases (" + phases + ") must be 2 or 3");
            }
            b.threePhase(phases == 3);
          });
          set(a.get("momentum"), () -> {
            if ("none".equals(a.get("momentum").raw())) {
              b.noMomentum();
            } else {
              double[] m = pair(a.get("momentum"));
              b.momentum(m[0], m[1]);
            }
          });
          return b.build();
        }
        case "constant":
          return Schedules.constant(number(a.get("lr")));
        case "step":
          return Schedules.stepDecay(number(a.get("lr")), whole(a.get("every")), number(a.get("gamma")));
        case "exponential":
          return Schedules.exponential(number(a.get("lr")), number(a.get("gamma")));
        case "cosine":
          return Schedules.cosine(number(a.get("lr")), whole(a.get("total")), numberOr(a.get("min"), 0));
        case "cosine_restarts":
          return Schedules.cosineRestarts(number(a.get("lr")), whole(a.get("first")),
              a.containsKey("mult") ? whole(a.get("mult")) : 1, numberOr(a.get("min"), 0));
        case "warmup":
          return Schedules.warmup(whole(a.get("steps")), numberOr(a.get("start"), 0), nested(a.get("then")));
        case "sequence":
          return Schedules.sequence(nested(a.get("first")), whole(a.get("at")), nested(a.get("then")));
        default:
          throw new AssertionError(n.name());
      }
    } catch (SpecError e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // A factory's message starts with the parameter's name, which is the key: report it there.
      for (Arg arg : a.values()) {
        if (e.getMessage().startsWith(arg.key() + " (")) {
          throw error(arg.valuePos(), arg.key() + "=" + arg.raw() + ": " + e.getMessage());
        }
      }
      // A rule between several keys (e.g. base <= max): report it at the schedule's name.
      throw error(n.pos(), n.name() + ": " + e.getMessage());
    }
  }

  /** Thrown once a message already carries its position; not wrapped again. */
  private static final class SpecError extends IllegalArgumentException {
    SpecError(String message) {
      super(message);
    }
  }

  private interface Setter {
    void run();
  }

  private interface Value<T> {
    T get();
  }

  private void set(Arg arg, Setter setter) {
    if (arg != null) {
      at(arg, () -> {
        setter.run();
        return null;
      });
    }
  }

  private <T> T at(Arg arg, Value<T> value) {
    try {
      return value.get();
    } catch (SpecError e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw error(arg.valuePos(), arg.key() + "=" + arg.raw() + ": " + e.getMessage());
    }
  }

  private double number(Arg arg) {
    return at(arg, () -> {
      if (arg.nested() != null || !NUMBER.matcher(arg.raw()).matches()) {
        throw new IllegalArgumentException("'" + arg.raw() + "' is not a number");
      }
      return Double.parseDouble(arg.raw());
    });
  }

  private double numberOr(Arg arg, double fallback) {
    return arg == null ? fallback : number(arg);
  }

  private long whole(Arg arg) {
    double v = number(arg);
    return at(arg, () -> {
      if (v != Math.rint(v) || Math.abs(v) > 1e15) {
        throw new IllegalArgumentException("'" + arg.raw() + "' is not a whole number of steps");
      }
      return (long) v;
    });
  }

  private String word(Arg arg) {
    return at(arg, () -> {
      if (arg.nested() != null) {
        throw new IllegalArgumentException("expected a word, not a schedule");
      }
      return arg.raw();
    });
  }

  private double[] pair(Arg arg) {
    return at(arg, () -> {
      String raw = arg.raw();
      int colon = raw.indexOf(':');
      if (arg.nested() != null || colon < 0) {
        throw new IllegalArgumentException("'" + raw + "' is not a LOW:HIGH pair such as 0.85:0.95");
      }
      String low = raw.substring(0, colon);
      String high = raw.substring(colon + 1);
      if (!NUMBER.matcher(low).matches() || !NUMBER.matcher(high).matches()) {
        throw new IllegalArgumentException("'" + raw + "' is not a LOW:HIGH pair of numbers such as 0.85:0.95");
      }
      return new double[] {Double.parseDouble(low), Double.parseDouble(high)};
    });
  }

  private Schedule nested(Arg arg) {
    if (arg.nested() == null) {
      throw error(arg.valuePos(), arg.key() + "=" + arg.raw() + ": expected a schedule such as constant(lr=0.01)");
    }
    return build(arg.nested());
  }
}
