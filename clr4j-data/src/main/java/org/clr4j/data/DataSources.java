package org.clr4j.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.clr4j.Checks;

/**
 * Turns the CLI's {@code --data} value into a {@link TrainTest}:
 *
 * <ul>
 *   <li>{@code fashion-mnist}: the full dataset, found or downloaded as {@link FashionMnist#load(FashionMnist.Options)}
 *       describes;
 *   <li>{@code fashion-mnist-small}: the embedded 10,000 / 2,000 subset (offline, always available);
 *   <li>{@code csv:PATH}: one CSV file split into train and test (default test fraction 0.2, seed 1);
 *       {@code csv:PATH,0.25} sets the test fraction; {@code csv:TRAIN,TEST} uses two files. Options follow a
 *       {@code ?}, joined by {@code &}: {@code label=NAME|INDEX}, {@code test=FRACTION}, {@code seed=N},
 *       {@code standardize=true|false} (default true), {@code header=true|false|auto},
 *       {@code delimiter=comma|semicolon|tab|bar|CHAR}. Example: {@code csv:iris.csv?label=species&seed=7}.
 * </ul>
 */
public final class DataSources {
  /** The accepted forms, for help texts and error messages. */
  public static final List<String> CHOICES = List.of("fashion-mnist", "fashion-mnist-small", "csv:PATH",
      "csv:PATH,TEST_FRACTION", "csv:TRAIN_PATH,TEST_PATH");

  private DataSources() {}

  /** Parses {@code spec} with default Fashion-MNIST options. */
  public static TrainTest parse(String spec) {
    return parse(spec, FashionMnist.options());
  }

  /** Parses {@code spec}; {@code dataDir} (may be null) is where Fashion-MNIST is looked for first. */
  public static TrainTest parse(String spec, Path dataDir) {
    return parse(spec, FashionMnist.options().dataDir(dataDir));
  }

  /** Parses {@code spec}, loading Fashion-MNIST with {@code fashionOptions}. */
  public static TrainTest parse(String spec, FashionMnist.Options fashionOptions) {
    Checks.notNull("data", spec);
    Checks.notNull("fashionOptions", fashionOptions);
    String s = spec.strip();
    switch (s.toLowerCase(Locale.ROOT)) {
      case "fashion-mnist":
        return FashionMnist.load(fashionOptions);
      case "fashion-mnist-small":
        return FashionMnist.embeddedSmall();
      default:
        break;
    }
    if (s.regionMatches(true, 0, "csv:", 0, 4)) {
      return parseCsv(spec, s.substring(4)).data();
    }
    throw new IllegalArgumentException("data (" + spec + ") must be one of " + String.join(", ", CHOICES));
  }

  /** Parses the part after {@code csv:}, keeping the feature and class names. */
  static CsvDataset.Loaded parseCsv(String spec, String rest) {
    CsvDataset.Options options = CsvDataset.options().standardize(true);
    int q = rest.indexOf('?');
    String paths = q < 0 ? rest : rest.substring(0, q);
    if (q >= 0) {
      for (String pair : rest.substring(q + 1).split("&")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("data (" + spec + "): option '" + pair + "' must be KEY=VALUE");
        }
        applyOption(spec, options, pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    if (paths.isBlank()) {
      throw new IllegalArgumentException("data (" + spec + ") must name a file after csv:");
    }
    int comma = paths.lastIndexOf(',');
    if (comma < 0) {
      return CsvDataset.load(Path.of(paths.strip()), options);
    }
    String first = paths.substring(0, comma).strip();
    String second = paths.substring(comma + 1).strip();
    if (CsvDataset.isNumber(second)) {
      double fraction = Double.parseDouble(second);
      if (!(fraction > 0 && fraction < 1)) {
        throw new IllegalArgumentException("data (" + spec + "): test fraction (" + second + ") must be in (0, 1)");
      }
      return CsvDataset.load(Path.of(first), options.testFraction(fraction));
    }
    return CsvDataset.load(Path.of(first), Path.of(second), options);
  }

  private static void applyOption(String spec, CsvDataset.Options options, String key, String value) {
    try {
      switch (key.toLowerCase(Locale.ROOT)) {
        case "label":
          if (value.matches("-?\\d+")) {
            options.labelIndex(Integer.parseInt(value));
          } else {
            options.labelColumn(value);
          }
          break;
        case "test":
          options.testFraction(Double.parseDouble(value));
          break;
        case "seed":
          options.seed(Long.parseLong(value));
          break;
        case "standardize":
          options.standardize(bool(key, value));
          break;
        case "header":
          options.header(value.equalsIgnoreCase("auto") ? null : bool(key, value));
          break;
        case "delimiter":
          options.delimiter(delimiter(value));
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + key + "'; known: label, test, seed, standardize, "
              + "header, delimiter");
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("data (" + spec + "): option " + key + " (" + value + ") is not a number");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("data (" + spec + "): " + e.getMessage(), e);
    }
  }

  private static boolean bool(String key, String value) {
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(key + " (" + value + ") must be true or false");
  }

  private static char delimiter(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "comma":
        return ',';
      case "semicolon":
        return ';';
      case "tab":
      case "\\t":
        return '\t';
      case "bar":
      case "pipe":
        return '|';
      default:
        if (value.length() == 1) {
          return value.charAt(0);
        }
        throw new IllegalArgumentException("delimiter (" + value + ") must be comma, semicolon, tab, bar or one "
            + "character");
    }
  }
}
