package org.clr4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clr4j.Checks;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017; MIT licence, Copyright (c) 2017 Zalando SE): 60,000 training and
 * 10,000 test greyscale images of 28x28 pixels in 10 classes.
 *
 * <p>{@link #load(Options)} looks for the four official IDX files (gzipped or plain) in, in order: the data
 * directory given by the user, the user cache ({@code ~/.clr4j/datasets/fashion-mnist}, or
 * {@code ${clr4j.cache}/fashion-mnist}), the directory Debian's {@code dataset-fashion-mnist} package installs
 * ({@code /usr/share/datasets/fashion-mnist}); failing those, it downloads the missing files from the official
 * URLs into the cache. Every file read is checked against the SHA-256 of the official file's decompressed content
 * (so re-compressed copies such as Debian's are accepted); a download is also checked against the SHA-256 of the
 * official {@code .gz} file before it is moved into the cache, so the cache never holds a half-written or wrong
 * file. A corrupt file already in the cache is reported, not silently replaced (see docs/DATA.md).
 *
 * <p>{@link #embeddedSmall()} returns a class-balanced 10,000 / 2,000 subset shipped inside this library, so
 * examples and tests run offline anywhere.
 *
 * <p>Pixels are floats {@code x / 255} in [0, 1]; the sample shape is {@code {1, 28, 28}}.
 */
public final class FashionMnist {
  /** Where the official files are served (an S3 website endpoint, which offers plain HTTP only). */
  public static final String OFFICIAL_BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
  /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
  public static final String SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";
  /** System property naming the datasets cache directory (default {@code ~/.clr4j/datasets}). */
  public static final String CACHE_PROPERTY = "clr4j.cache";
  /** The class names, by label. */
  public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  static final int ROWS = 28;
  static final int COLS = 28;

  /**
   * One official file: its name without {@code .gz}, the number of items, the SHA-256 and size of the official
   * {@code .gz} file, and the SHA-256 of its decompressed content.
   */
  record FileSpec(String name, int count, String gzSha256, long gzSize, String contentSha256) {
    String gzName() {
      return name + ".gz";
    }

    boolean images() {
      return name.contains("images");
    }
  }

  // Checksums: the .gz values are those of the official files (MD5s match the upstream README); the content
  // values are of the decompressed IDX data. How they were checked is recorded in docs/DATA.md.
  static final List<FileSpec> OFFICIAL = List.of(
      new FileSpec("train-images-idx3-ubyte", 60_000,
          "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880,
          "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
      new FileSpec("train-labels-idx1-ubyte", 60_000,
          "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515,
          "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
      new FileSpec("t10k-images-idx3-ubyte", 10_000,
          "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102,
          "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
      new FileSpec("t10k-labels-idx1-ubyte", 10_000,
          "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148,
          "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

  static final String EMBEDDED_RESOURCE_DIR = "org/clr4j/data/fashion-mnist-small/";
  // Content SHA-256 of the embedded subset, as printed by src/build/make_fashion_mnist_small.py (SOURCE.txt).
  static final List<FileSpec> EMBEDDED = List.of(
      new FileSpec("train-images-idx3-ubyte", 10_000, null, -1,
          "a9e0cb1aacc49c17ffdf17be5dce5c166a339fed8bebbaab1cfd4fd10a1a90c9"),
      new FileSpec("train-labels-idx1-ubyte", 10_000, null, -1,
          "6b9a554b26f6be2f23915423838fe1466aa303825a5f9d1891cc2f55a9e13481"),
      new FileSpec("t10k-images-idx3-ubyte", 2_000, null, -1,
          "cf89b6790daad26f525cf935d652811563da5921b86b77653fc6247216c9d992"),
      new FileSpec("t10k-labels-idx1-ubyte", 2_000, null, -1,
          "524c061ee1cdf9d9b6b6fc74cf18fa139d3bae60bc715d0111c4b332b83e6002"));

  /** Reports download progress, e.g. to draw a progress bar. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (file, bytesSoFar, totalBytes) -> {};

    /**
     * @param file the file being downloaded, e.g. {@code train-images-idx3-ubyte.gz}
     * @param bytesSoFar bytes received so far
     * @param totalBytes the file's size, or -1 if unknown
     */
    void update(String file, long bytesSoFar, long totalBytes);
  }

  /** Where to look and whether to download; every setter returns {@code this}. */
  public static final class Options {
    private Path dataDir;
    private Path cacheDir;
    private Path systemDir = Path.of(SYSTEM_DIR);
    private String baseUrl = OFFICIAL_BASE_URL;
    private boolean download = true;
    private boolean verifyDataDir = true;
    private Progress progress = Progress.NONE;
    private Duration timeout = Duration.ofSeconds(60);

    private Options() {}

    /** A directory holding the four files (looked at first); {@code null} for none. */
    public Options dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /**
     * The cache directory for this dataset; {@code null} (the default) means {@code ${clr4j.cache}/fashion-mnist}
     * if that system property is set, else {@code ~/.clr4j/datasets/fashion-mnist}.
     */
    public Options cacheDir(Path dir) {
      this.cacheDir = dir;
      return this;
    }

    /** The system-wide directory (default {@code /usr/share/datasets/fashion-mnist}); {@code null} to skip it. */
    public Options systemDir(Path dir) {
      this.systemDir = dir;
      return this;
    }

    /** Where to download from (default {@link #OFFICIAL_BASE_URL}); file names are appended. */
    public Options baseUrl(String url) {
      Checks.notNull("baseUrl", url);
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("baseUrl (" + url + ") must start with http:// or https://");
      }
      this.baseUrl = url.endsWith("/") ? url : url + "/";
      return this;
    }

    /** Whether missing files may be downloaded into the cache (default true). */
    public Options download(boolean allowed) {
      this.download = allowed;
      return this;
    }

    /**
     * Whether files in the data directory must match the official checksums (default true). Files in the cache,
     * the system directory and downloads are always checked.
     */
    public Options verifyDataDir(boolean verify) {
      this.verifyDataDir = verify;
      return this;
    }

    /** Download progress callback (default none). */
    public Options progress(Progress callback) {
      this.progress = Checks.notNull("progress", callback);
      return this;
    }

    /** Connect timeout, and the longest a download may stall without receiving data (default 60 s). */
    public Options timeout(Duration timeout) {
      Checks.notNull("timeout", timeout);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout (" + timeout + ") must be > 0");
      }
      this.timeout = timeout;
      return this;
    }

    /** The cache directory in effect. */
    public Path cacheDir() {
      return cacheDir != null ? cacheDir : defaultCacheDir();
    }

    public Path dataDir() {
      return dataDir;
    }

    public Path systemDir() {
      return systemDir;
    }

    public String baseUrl() {
      return baseUrl;
    }

    public boolean download() {
      return download;
    }
  }

  private final List<FileSpec> files;

  /** @param files train images, train labels, test images, test labels */
  FashionMnist(List<FileSpec> files) {
    if (files.size() != 4) {
      throw new IllegalArgumentException("files (" + files.size() + ") must be 4");
    }
    this.files = List.copyOf(files);
  }

  /** Default options: no data directory, default cache and system directory, downloads allowed. */
  public static Options options() {
    return new Options();
  }

  /** The full dataset with default options. */
  public static TrainTest load() {
    return load(options());
  }

  /** The full dataset, found or downloaded as {@code options} say. */
  public static TrainTest load(Options options) {
    return new FashionMnist(OFFICIAL).loadFrom(Checks.notNull("options", options));
  }

  /**
   * The embedded class-balanced subset: 10,000 training images (1,000 per class) and 2,000 test images (200 per
   * class), drawn with a fixed seed from the official training and test sets.
   */
  public static TrainTest embeddedSmall() {
    Map<FileSpec, IdxReader.Idx> idx = new LinkedHashMap<>();
    for (FileSpec spec : EMBEDDED) {
      String resource = EMBEDDED_RESOURCE_DIR + spec.gzName();
      String label = "embedded:" + resource;
      byte[] content;
      try (InputStream in = FashionMnist.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new DatasetException(label + ": resource missing from the clr4j-data jar");
        }
        content = IdxReader.readContent(label, in);
      } catch (IOException e) {
        throw new DatasetException(label + ": cannot read: " + e.getMessage(), e);
      }
      verifyContent(label, spec, content);
      idx.put(spec, IdxReader.parse(label, content, spec.images() ? 3 : 1));
    }
    String source = "embedded:" + EMBEDDED_RESOURCE_DIR + " (class-balanced subset of Fashion-MNIST)";
    return pair("fashion-mnist-small", EMBEDDED, idx, Map.of(EMBEDDED.get(0), source, EMBEDDED.get(2), source));
  }

  /** The default cache directory for Fashion-MNIST. */
  public static Path defaultCacheDir() {
    String root = System.getProperty(CACHE_PROPERTY);
    if (root != null && !root.isBlank()) {
      return Path.of(root, "fashion-mnist");
    }
    return Path.of(System.getProperty("user.home"), ".clr4j", "datasets", "fashion-mnist");
  }

  TrainTest loadFrom(Options o) {
    List<String> looked = new ArrayList<>();
    if (o.dataDir != null) {
      TrainTest found = tryDir(o.dataDir, "data directory", o.verifyDataDir, looked);
      if (found != null) {
        return found;
      }
    }
    Path cache = o.cacheDir();
    TrainTest found = tryDir(cache, "cache", true, looked);
    if (found != null) {
      return found;
    }
    if (o.systemDir != null) {
      found = tryDir(o.systemDir, "system directory", true, looked);
      if (found != null) {
        return found;
      }
    }
    if (!o.download) {
      throw new DatasetException("Fashion-MNIST not found; looked in " + String.join("; ", looked)
          + ". Downloading is disabled: put the four files (" + fileNames() + ") in one of these directories, "
          + "install Debian's dataset-fashion-mnist package, or allow the download.");
    }
    Map<FileSpec, String> sources = new LinkedHashMap<>();
    for (FileSpec spec : files) {
      Path present = find(cache, spec);
      if (present == null) {
        String url = o.baseUrl + spec.gzName();
        Path saved = download(url, cache, spec, o);
        sources.put(spec, url + " (saved as " + saved + ")");
      } else {
        sources.put(spec, present.toString());
      }
    }
    return readDir(cache, true, sources);
  }

  private TrainTest tryDir(Path dir, String what, boolean verify, List<String> looked) {
    if (!Files.isDirectory(dir)) {
      looked.add(what + " " + dir + " (no such directory)");
      return null;
    }
    List<String> missing = new ArrayList<>();
    Map<FileSpec, String> sources = new LinkedHashMap<>();
    for (FileSpec spec : files) {
      Path p = find(dir, spec);
      if (p == null) {
        missing.add(spec.gzName());
      } else {
        sources.put(spec, p.toString());
      }
    }
    if (!missing.isEmpty()) {
      looked.add(what + " " + dir + " (missing " + String.join(", ", missing) + ")");
      return null;
    }
    return readDir(dir, verify, sources);
  }

  private TrainTest readDir(Path dir, boolean verify, Map<FileSpec, String> sources) {
    Map<FileSpec, IdxReader.Idx> idx = new LinkedHashMap<>();
    for (FileSpec spec : files) {
      Path p = find(dir, spec);
      if (p == null) {
        throw new DatasetException(dir.resolve(spec.gzName()) + ": file not found");
      }
      byte[] content = readContent(p, spec);
      if (verify) {
        verifyContent(p.toString(), spec, content);
      }
      idx.put(spec, IdxReader.parse(p.toString(), content, spec.images() ? 3 : 1));
    }
    Map<FileSpec, String> pairSources = new LinkedHashMap<>();
    pairSources.put(files.get(0), sources.get(files.get(0)) + " + " + sources.get(files.get(1)));
    pairSources.put(files.get(2), sources.get(files.get(2)) + " + " + sources.get(files.get(3)));
    return pair("fashion-mnist", files, idx, pairSources);
  }

  /** The file {@code NAME.gz} or, failing that, the plain {@code NAME} in {@code dir}; null if neither. */
  static Path find(Path dir, FileSpec spec) {
    Path gz = dir.resolve(spec.gzName());
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    Path plain = dir.resolve(spec.name());
    return Files.isRegularFile(plain) ? plain : null;
  }

  private static TrainTest pair(String name, List<FileSpec> specs, Map<FileSpec, IdxReader.Idx> idx,
      Map<FileSpec, String> sources) {
    Dataset train = dataset(name + "/train", sources.get(specs.get(0)), idx.get(specs.get(0)), specs.get(0),
        idx.get(specs.get(1)), specs.get(1));
    Dataset test = dataset(name + "/test", sources.get(specs.get(2)), idx.get(specs.get(2)), specs.get(2),
        idx.get(specs.get(3)), specs.get(3));
    return new TrainTest(train, test);
  }

  private static Dataset dataset(String name, String source, IdxReader.Idx images, FileSpec imageSpec,
      IdxReader.Idx labels, FileSpec labelSpec) {
    int[] d = images.dims();
    if (d[0] != imageSpec.count() || d[1] != ROWS || d[2] != COLS) {
      throw new DatasetException(images.file() + ": holds " + IdxReader.dimsText(d) + " images, expected "
          + imageSpec.count() + "x" + ROWS + "x" + COLS);
    }
    if (labels.count() != labelSpec.count()) {
      throw new DatasetException(labels.file() + ": holds " + labels.count() + " labels, expected "
          + labelSpec.count());
    }
    int[] y = labels.toInts();
    for (int i = 0; i < y.length; i++) {
      if (y[i] >= CLASS_NAMES.size()) {
        throw new DatasetException(labels.file() + ": label " + i + " is " + y[i] + ", must be in [0, 10)");
      }
    }
    return new Dataset(name, source, images.toUnitFloats(), y, new int[] {1, ROWS, COLS}, CLASS_NAMES.size());
  }

  /** The decompressed file; a truncated or damaged file is reported with the checksum it should have. */
  private static byte[] readContent(Path p, FileSpec spec) {
    try {
      return IdxReader.readContent(p);
    } catch (DatasetException e) {
      throw new DatasetException(e.getMessage() + "; expected the official " + spec.name() + " (decompressed "
          + "content SHA-256 " + spec.contentSha256() + "). Delete the file to use another copy or download it "
          + "again.", e);
    }
  }

  private static void verifyContent(String file, FileSpec spec, byte[] content) {
    String actual = sha256(content);
    if (!actual.equals(spec.contentSha256())) {
      throw new DatasetException(file + ": not the official " + spec.name() + ": SHA-256 of its decompressed "
          + "content is " + actual + ", expected " + spec.contentSha256()
          + (spec.gzSha256() == null ? "" : " (official " + spec.gzName() + ": SHA-256 " + spec.gzSha256() + ")")
          + ". The file is corrupt, truncated or a different file; delete it to use another copy or download "
          + "it again.");
    }
  }

  /**
   * Downloads {@code url} into a temporary file in {@code dir}, checks its size and SHA-256, and only then renames
   * it to its final name; on any failure the temporary file is deleted and nothing is left in {@code dir}.
   */
  private static Path download(String url, Path dir, FileSpec spec, Options o) {
    Path target = dir.resolve(spec.gzName());
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + spec.gzName() + ".", ".part");
      // HttpURLConnection rather than java.net.http.HttpClient: its read timeout also bounds a stalled body,
      // where HttpClient's request timeout ends once the headers have arrived.
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
      connection.setConnectTimeout(timeoutMillis(o.timeout));
      connection.setReadTimeout(timeoutMillis(o.timeout));
      connection.setInstanceFollowRedirects(true);
      MessageDigest sha = sha256Digest();
      long received = 0;
      try {
        int status = connection.getResponseCode();
        if (status != HttpURLConnection.HTTP_OK) {
          throw new DatasetException("download of " + url + " failed: HTTP " + status + " from the server; "
              + "nothing was saved in " + dir);
        }
        long length = connection.getContentLengthLong();
        long total = length >= 0 ? length : spec.gzSize();
        o.progress.update(spec.gzName(), 0, total);
        try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(tmp)) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            sha.update(buf, 0, n);
            received += n;
            o.progress.update(spec.gzName(), received, total);
          }
        }
      } finally {
        connection.disconnect();
      }
      String actual = HexFormat.of().formatHex(sha.digest());
      if (!actual.equals(spec.gzSha256())) {
        throw new DatasetException("download of " + url + " is not the official " + spec.gzName() + ": got "
            + received + " bytes (expected " + spec.gzSize() + ") with SHA-256 " + actual + ", expected "
            + spec.gzSha256() + "; nothing was saved in " + dir);
      }
      try {
        // Temporary files are created owner-only; a cache file is ordinary data that others may read.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: keep its defaults.
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      return target;
    } catch (IOException e) {
      throw new DatasetException("download of " + url + " into " + dir + " failed: "
          + (e.getMessage() == null ? e.toString() : e.getMessage()) + "; nothing was saved", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: the next download uses a fresh temporary name, so a leftover is harmless.
        }
      }
    }
  }

  private static int timeoutMillis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  private String fileNames() {
    List<String> names = new ArrayList<>();
    for (FileSpec spec : files) {
      names.add(spec.gzName());
    }
    return String.join(", ", names);
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
