package org.clr4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.clr4j.Checks;

/**
 * Loads a classification table from CSV: numeric feature columns and one label column. The delimiter (comma,
 * semicolon, tab or bar) and the presence of a header row are detected unless set; the label column is the last
 * one unless named or indexed. Labels may be integers (used as they are when in [0, 1000), otherwise mapped in
 * numeric order) or strings (distinct values mapped in sorted order to 0..k-1); the names are kept in
 * {@link Table#classNames()}. Fields may be double-quoted; a quoted field cannot span lines. Blank lines are
 * skipped. Every error names the file and, where there is one, the line, e.g.
 * {@code csv:data.csv line 17: column 'x3' value 'abc' is not a number}.
 */
public final class CsvDataset {
  /** Integer labels below this are used as class indices directly; larger ones are mapped like strings. */
  static final int MAX_DIRECT_LABEL = 1000;

  private CsvDataset() {}

  /** A loaded table: the dataset, the names of its feature columns and the name of each class. */
  public record Table(Dataset dataset, List<String> featureNames, List<String> classNames) {
    public Table {
      featureNames = List.copyOf(featureNames);
      classNames = List.copyOf(classNames);
    }
  }

  /** A train/test pair loaded from CSV, with the names of the features and classes. */
  public record Loaded(TrainTest data, List<String> featureNames, List<String> classNames) {
    public Loaded {
      featureNames = List.copyOf(featureNames);
      classNames = List.copyOf(classNames);
    }
  }

  /** How to read the file(s); every setter returns {@code this}. */
  public static final class Options {
    private Character delimiter;
    private Boolean header;
    private String labelName;
    private Integer labelIndex;
    private double testFraction = 0.2;
    private long seed = 1;
    private boolean standardize;

    private Options() {}

    /** The field delimiter; {@code null} (default) detects comma, semicolon, tab or bar from the first line. */
    public Options delimiter(Character delimiter) {
      if (delimiter != null && (delimiter == '"' || delimiter == '\n' || delimiter == '\r')) {
        throw new IllegalArgumentException("delimiter (" + delimiter + ") must not be a quote or line break");
      }
      this.delimiter = delimiter;
      return this;
    }

    /**
     * Whether the first row is a header; {@code null} (default) detects it: the first row is a header when one
     * of its feature fields is not a number.
     */
    public Options header(Boolean header) {
      this.header = header;
      return this;
    }

    /** The label column by its header name (implies a header row). */
    public Options labelColumn(String name) {
      this.labelName = Checks.notNull("labelColumn", name);
      this.labelIndex = null;
      return this;
    }

    /** The label column by 0-based index; negative counts from the end (-1, the default, is the last column). */
    public Options labelIndex(int index) {
      this.labelIndex = index;
      this.labelName = null;
      return this;
    }

    /** Fraction of a single file held out as the test set, stratified by class (default 0.2). */
    public Options testFraction(double fraction) {
      this.testFraction = Checks.inOpenZeroOne("testFraction", fraction);
      return this;
    }

    /** Seed of the train/test split (default 1). */
    public Options seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Whether to standardize features with the training set's mean and standard deviation (default false); see
     * {@link Standardizer}.
     */
    public Options standardize(boolean standardize) {
      this.standardize = standardize;
      return this;
    }

    public double testFraction() {
      return testFraction;
    }

    public long seed() {
      return seed;
    }

    public boolean standardize() {
      return standardize;
    }
  }

  public static Options options() {
    return new Options();
  }

  /** One CSV file as a single dataset (no split, no standardization). */
  public static Table read(Path file, Options options) {
    Raw raw = Raw.parse(file, options);
    LabelMap map = LabelMap.of(List.of(raw));
    return new Table(raw.toDataset(nameOf(file), map), raw.featureNames, map.names);
  }

  /**
   * One CSV file split into train and test: per class, a seeded shuffle puts {@code round(testFraction * n)}
   * samples in the test set (at least one sample of each class stays in training); both keep the file order.
   */
  public static Loaded load(Path file, Options options) {
    Table all = read(file, options);
    Dataset data = all.dataset();
    int[] labels = data.labels();
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < data.numClasses(); c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get(labels[i]).add(i);
    }
    boolean[] inTest = new boolean[labels.length];
    SplittableRandom random = new SplittableRandom(options.seed);
    int testCount = 0;
    for (List<Integer> members : byClass) {
      int n = members.size();
      int take = Math.min((int) Math.round(options.testFraction * n), n - 1);
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        Integer t = members.get(i);
        members.set(i, members.get(j));
        members.set(j, t);
      }
      for (int i = 0; i < take; i++) {
        inTest[members.get(i)] = true;
      }
      testCount += Math.max(take, 0);
    }
    if (testCount == 0 || testCount == labels.length) {
      throw new DatasetException("csv:" + file + ": " + labels.length + " rows are too few to hold out a test "
          + "fraction of " + Checks.format(options.testFraction) + " (got " + testCount + " test rows)");
    }
    int[] trainIdx = new int[labels.length - testCount];
    int[] testIdx = new int[testCount];
    for (int i = 0, a = 0, b = 0; i < labels.length; i++) {
      if (inTest[i]) {
        testIdx[b++] = i;
      } else {
        trainIdx[a++] = i;
      }
    }
    String name = nameOf(file);
    String source = data.source() + " (test fraction " + Checks.format(options.testFraction) + ", seed "
        + options.seed + ")";
    TrainTest split = new TrainTest(subset(data, name + "/train", source, trainIdx),
        subset(data, name + "/test", source, testIdx));
    return new Loaded(options.standardize ? Standardizer.standardize(split) : split, all.featureNames(),
        all.classNames());
  }

  /** Separate train and test files; they must have the same columns. Labels are mapped over both files. */
  public static Loaded load(Path trainFile, Path testFile, Options options) {
    Raw train = Raw.parse(trainFile, options);
    Raw test = Raw.parse(testFile, options);
    if (!train.featureNames.equals(test.featureNames) && train.hasHeader && test.hasHeader) {
      throw new DatasetException("csv:" + testFile + ": feature columns " + test.featureNames
          + " differ from those of " + trainFile + " " + train.featureNames);
    }
    if (train.featureNames.size() != test.featureNames.size()) {
      throw new DatasetException("csv:" + testFile + ": has " + test.featureNames.size() + " feature columns, "
          + trainFile + " has " + train.featureNames.size());
    }
    LabelMap map = LabelMap.of(List.of(train, test));
    TrainTest pair = new TrainTest(train.toDataset(nameOf(trainFile) + "/train", map),
        test.toDataset(nameOf(testFile) + "/test", map));
    return new Loaded(options.standardize ? Standardizer.standardize(pair) : pair, train.featureNames, map.names);
  }

  private static Dataset subset(Dataset data, String name, String source, int[] rows) {
    int f = data.featureCount();
    float[] x = new float[rows.length * f];
    int[] y = new int[rows.length];
    data.gather(rows, 0, rows.length, x, y);
    return new Dataset(name, source, x, y, data.sampleShape(), data.numClasses());
  }

  private static String nameOf(Path file) {
    String n = String.valueOf(file.getFileName());
    return n.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? n.substring(0, n.length() - 4) : n;
  }

  /** A parsed file before labels are mapped to class indices. */
  private static final class Raw {
    final Path file;
    final String where;
    final boolean hasHeader;
    final List<String> featureNames;
    final float[] features;
    final String[] labels;
    final int[] labelLines;

    private Raw(Path file, boolean hasHeader, List<String> featureNames, float[] features, String[] labels,
        int[] labelLines) {
      this.file = file;
      this.where = "csv:" + file;
      this.hasHeader = hasHeader;
      this.featureNames = featureNames;
      this.features = features;
      this.labels = labels;
      this.labelLines = labelLines;
    }

    static Raw parse(Path file, Options o) {
      List<String> lines;
      if (Files.isDirectory(file)) {
        throw new DatasetException("csv:" + file + ": is a directory, not a CSV file");
      }
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        lines = reader.lines().toList();
      } catch (NoSuchFileException e) {
        throw new DatasetException("csv:" + file + ": file not found", e);
      } catch (IOException e) {
        throw new DatasetException("csv:" + file + ": cannot read: " + reason(e), e);
      } catch (java.io.UncheckedIOException e) {
        throw new DatasetException("csv:" + file + ": cannot read: " + reason(e.getCause()), e);
      }
      String where = "csv:" + file;
      int first = 0;
      while (first < lines.size() && lines.get(first).strip().replace("\uFEFF", "").isEmpty()) {
        first++;
      }
      if (first == lines.size()) {
        throw new DatasetException(where + ": the file is empty");
      }
      String firstLine = stripBom(lines.get(first));
      char delimiter = o.delimiter != null ? o.delimiter : detectDelimiter(firstLine);
      List<String> firstRow = split(firstLine, delimiter, where, first + 1);
      int columns = firstRow.size();
      if (columns < 2) {
        throw new DatasetException(where + " line " + (first + 1) + ": found 1 column with delimiter '"
            + printable(delimiter) + "'; need at least one feature column and a label column");
      }
      boolean header;
      int label;
      if (o.labelName != null) {
        if (Boolean.FALSE.equals(o.header)) {
          throw new IllegalArgumentException("labelColumn ('" + o.labelName + "') needs a header row, but header "
              + "is set to false");
        }
        header = true;
        label = firstRow.indexOf(o.labelName);
        if (label < 0) {
          throw new DatasetException(where + " line " + (first + 1) + ": no column named '" + o.labelName
              + "' in the header " + firstRow);
        }
      } else {
        int index = o.labelIndex == null ? -1 : o.labelIndex;
        label = index < 0 ? columns + index : index;
        if (label < 0 || label >= columns) {
          throw new IllegalArgumentException("labelIndex (" + index + ") must be in [-" + columns + ", "
              + columns + ") for " + where + ", which has " + columns + " columns");
        }
        if (o.header != null) {
          header = o.header;
        } else {
          header = false;
          for (int c = 0; c < columns; c++) {
            if (c != label && !isNumber(firstRow.get(c))) {
              header = true;
              break;
            }
          }
        }
      }
      List<String> names = new ArrayList<>();
      for (int c = 0; c < columns; c++) {
        if (c != label) {
          names.add(header ? firstRow.get(c) : "column " + (c + 1));
        }
      }
      String labelText = header ? "'" + firstRow.get(label) + "'" : "column " + (label + 1);
      int features = columns - 1;
      int capacity = lines.size() - first;
      float[] x = new float[Math.max(capacity, 1) * features];
      String[] y = new String[capacity];
      int[] lineOf = new int[capacity];
      int rows = 0;
      for (int i = header ? first + 1 : first; i < lines.size(); i++) {
        String line = lines.get(i);
        int lineNo = i + 1;
        if (line.isBlank()) {
          continue;
        }
        List<String> fields = i == first ? firstRow : split(line, delimiter, where, lineNo);
        if (fields.size() != columns) {
          throw new DatasetException(where + " line " + lineNo + ": expected " + columns + " columns but found "
              + fields.size() + " (delimiter '" + printable(delimiter) + "')");
        }
        int f = 0;
        for (int c = 0; c < columns; c++) {
          String value = fields.get(c);
          if (c == label) {
            if (value.isEmpty()) {
              throw new DatasetException(where + " line " + lineNo + ": label " + labelText + " is empty");
            }
            y[rows] = value;
            continue;
          }
          String column = header ? "column '" + firstRow.get(c) + "'" : "column " + (c + 1);
          if (value.isEmpty()) {
            throw new DatasetException(where + " line " + lineNo + ": " + column + " is empty (missing values "
                + "are not supported)");
          }
          if (!isNumber(value)) {
            throw new DatasetException(where + " line " + lineNo + ": " + column + " value '" + value
                + "' is not a number");
          }
          float v = Float.parseFloat(value);
          if (!Float.isFinite(v)) {
            throw new DatasetException(where + " line " + lineNo + ": " + column + " value '" + value
                + "' is out of the range of a float");
          }
          x[rows * features + f++] = v;
        }
        lineOf[rows] = lineNo;
        rows++;
      }
      if (rows == 0) {
        throw new DatasetException(where + ": no data rows after the header");
      }
      return new Raw(file, header, List.copyOf(names), Arrays.copyOf(x, rows * features), Arrays.copyOf(y, rows),
          Arrays.copyOf(lineOf, rows));
    }

    Dataset toDataset(String name, LabelMap map) {
      int[] y = new int[labels.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = map.index(labels[i]);
      }
      return new Dataset(name, where, features, y, new int[] {featureNames.size()}, map.names.size());
    }
  }

  /** Maps label text to class indices over one or more files. */
  private static final class LabelMap {
    final List<String> names;
    final TreeMap<String, Integer> index;
    final boolean direct;

    private LabelMap(List<String> names, TreeMap<String, Integer> index, boolean direct) {
      this.names = names;
      this.index = index;
      this.direct = direct;
    }

    int index(String label) {
      return direct ? Integer.parseInt(label) : index.get(label);
    }

    static LabelMap of(List<Raw> raws) {
      boolean integers = true;
      int max = -1;
      int min = Integer.MAX_VALUE;
      TreeSet<String> distinct = new TreeSet<>();
      for (Raw raw : raws) {
        for (String label : raw.labels) {
          distinct.add(label);
          if (integers) {
            Integer v = parseInt(label);
            if (v == null) {
              integers = false;
            } else {
              max = Math.max(max, v);
              min = Math.min(min, v);
            }
          }
        }
      }
      Raw first = raws.get(0);
      if (distinct.size() < 2) {
        throw new DatasetException(first.where + ": the label column has only one distinct value ('"
            + distinct.first() + "'); at least 2 classes are needed");
      }
      if (integers && min >= 0 && max < MAX_DIRECT_LABEL) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c <= max; c++) {
          names.add(Integer.toString(c));
        }
        // Integer labels must all be written canonically ("3", not "03") to be used directly.
        boolean canonical = true;
        for (String label : distinct) {
          canonical &= label.equals(Integer.toString(Integer.parseInt(label)));
        }
        if (canonical) {
          return new LabelMap(List.copyOf(names), null, true);
        }
      }
      List<String> sorted = new ArrayList<>(distinct);
      if (integers) {
        sorted.sort((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
      }
      TreeMap<String, Integer> index = new TreeMap<>();
      for (int i = 0; i < sorted.size(); i++) {
        index.put(sorted.get(i), i);
      }
      return new LabelMap(List.copyOf(sorted), index, false);
    }

    private static Integer parseInt(String s) {
      try {
        return Integer.valueOf(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /** Why a file could not be read, in words (never an exception's class name). */
  static String reason(IOException e) {
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "not UTF-8 text (is it a CSV file?)";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.getMessage() == null ? "input/output error" : e.getMessage();
  }

  static char detectDelimiter(String line) {
    char best = ',';
    int bestCount = 0;
    for (char d : new char[] {',', ';', '\t', '|'}) {
      int count = 0;
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char ch = line.charAt(i);
        if (ch == '"') {
          quoted = !quoted;
        } else if (ch == d && !quoted) {
          count++;
        }
      }
      if (count > bestCount) {
        best = d;
        bestCount = count;
      }
    }
    return best;
  }

  /** Splits one line; fields are trimmed, and double quotes group a field ({@code ""} inside is a quote). */
  static List<String> split(String line, char delimiter, String where, int lineNo) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(ch);
        }
      } else if (ch == '"' && field.toString().isBlank()) {
        quoted = true;
        wasQuoted = true;
        field.setLength(0);
      } else if (ch == delimiter) {
        fields.add(wasQuoted ? field.toString() : field.toString().strip());
        field.setLength(0);
        wasQuoted = false;
      } else if (!(wasQuoted && Character.isWhitespace(ch))) {
        if (wasQuoted) {
          throw new DatasetException(where + " line " + lineNo + ": unexpected text after a closing quote");
        }
        field.append(ch);
      }
    }
    if (quoted) {
      throw new DatasetException(where + " line " + lineNo + ": unterminated quote (a quoted field cannot span "
          + "lines)");
    }
    fields.add(wasQuoted ? field.toString() : field.toString().strip());
    return fields;
  }

  /** A plain decimal or scientific number; rejects Java-isms such as "NaN", "Infinity", "1f" or hex. */
  static boolean isNumber(String s) {
    int n = s.length();
    int i = 0;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && Character.isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && Character.isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exp = 0;
      while (i < n && Character.isDigit(s.charAt(i))) {
        i++;
        exp++;
      }
      if (exp == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static String stripBom(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  private static String printable(char c) {
    return c == '\t' ? "\\t" : String.valueOf(c);
  }
}
