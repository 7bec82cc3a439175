package dev.segments.cli;

import dev.segments.SegmentsException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The options and positional arguments of one command; unknown or repeated flags are rejected. */
public final class CliArgs {
  private final String command;
  private final Map<String, String> options = new HashMap<>();
  private final List<String> positionals = new ArrayList<>();

  private CliArgs(String command) {
    this.command = command;
  }

  /**
   * @param valued flags that take a value ({@code --warehouse DIR} or {@code --warehouse=DIR})
   * @param switches flags without a value
   */
  public static CliArgs parse(String command, List<String> args, Set<String> valued, Set<String> switches) {
    CliArgs parsed = new CliArgs(command);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.equals("--")) {
        parsed.positionals.add(arg);
        continue;
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (switches.contains(name)) {
        if (value != null) {
          throw SegmentsException.usage("Flag --" + name + " of '" + command + "' takes no value");
        }
        value = "true";
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw SegmentsException.usage("Flag --" + name + " of '" + command + "' needs a value");
          }
          value = args.get(++i);
        }
      } else {
        throw SegmentsException.usage(
            "Unknown flag --" + name + " for '" + command + "' (known: " + known(valued, switches) + ")");
      }
      if (parsed.options.put(name, value) != null) {
        throw SegmentsException.usage("Flag --" + name + " given twice");
      }
    }
    return parsed;
  }

  private static String known(Set<String> valued, Set<String> switches) {
    List<String> all = new ArrayList<>();
    valued.forEach(v -> all.add("--" + v));
    switches.forEach(s -> all.add("--" + s));
    all.sort(String::compareTo);
    return all.isEmpty() ? "none" : String.join(", ", all);
  }

  public String option(String name) {
    return options.get(name);
  }

  public String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  public boolean flag(String name) {
    return options.containsKey(name);
  }

  public String required(String name) {
    String value = options.get(name);
    if (value == null) {
      throw SegmentsException.usage("Missing flag --" + name + " for '" + command + "'");
    }
    return value;
  }

  public List<String> positionals() {
    return positionals;
  }
}
