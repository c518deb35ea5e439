package org.clr4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lookup order data dir → cache → system dir, and checksum verification of found files. */
class FashionMnistLookupTest {
  @TempDir Path tmp;
  final IdxFiles.Fake fake = new IdxFiles.Fake();

  private FashionMnist.Options noDownload() {
    return FashionMnist.options().cacheDir(tmp.resolve("cache")).systemDir(tmp.resolve("system"))
        .download(false);
  }

  @Test
  void dataDirComesFirstThenCacheThenSystemDir() throws Exception {
    Path data = fake.writeTo(tmp.resolve("data"));
    Path cache = fake.writeTo(tmp.resolve("cache"));
    Path system = fake.writeTo(tmp.resolve("system"));

    assertSourceIn(data, fake.loader().loadFrom(noDownload().dataDir(data)));
    assertSourceIn(cache, fake.loader().loadFrom(noDownload()));
    deleteAll(cache);
    assertSourceIn(system, fake.loader().loadFrom(noDownload()));
  }

  @Test
  void anIncompleteDirectoryIsSkipped() throws Exception {
    Path data = fake.writeTo(tmp.resolve("data"));
    Files.delete(data.resolve("t10k-labels-idx1-ubyte.gz"));
    Path system = fake.writeTo(tmp.resolve("system"));
    assertSourceIn(system, fake.loader().loadFrom(noDownload().dataDir(data)));
  }

  @Test
  void loadsValuesShapesAndLabels() throws Exception {
    Path data = fake.writeTo(tmp.resolve("data"));
    TrainTest tt = fake.loader().loadFrom(noDownload().dataDir(data));
    assertEquals(12, tt.train().size());
    assertEquals(5, tt.test().size());
    assertArrayEquals(new int[] {1, 28, 28}, tt.train().sampleShape());
    assertEquals(10, tt.train().numClasses());
    assertEquals(7 / 255f, tt.train().features()[0]);
    assertEquals(101 / 255f, tt.test().features()[784]);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, tt.test().labels());
    assertEquals("fashion-mnist/train", tt.train().name());
  }

  @Test
  void uncompressedFilesAreAcceptedToo() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("plain"));
    for (int i = 0; i < 4; i++) {
      Files.write(data.resolve(fake.names.get(i)), fake.contents.get(i));
    }
    TrainTest tt = fake.loader().loadFrom(noDownload().dataDir(data));
    assertTrue(tt.train().source().contains(data.resolve("train-images-idx3-ubyte").toString()));
  }

  @Test
  void nothingFoundAndNoDownloadListsEveryPlaceLookedIn() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    DatasetException e = assertThrows(DatasetException.class,
        () -> fake.loader().loadFrom(noDownload().dataDir(data)));
    String m = e.getMessage();
    assertTrue(m.contains("data directory " + data + " (missing train-images-idx3-ubyte.gz"), m);
    assertTrue(m.contains("cache " + tmp.resolve("cache") + " (no such directory)"), m);
    assertTrue(m.contains("system directory " + tmp.resolve("system")), m);
    assertTrue(m.contains("Downloading is disabled"), m);
  }

  @Test
  void aDifferentFileInTheDataDirFailsWithPathAndBothChecksums() throws Exception {
    Path data = fake.writeTo(tmp.resolve("data"));
    byte[] other = IdxFiles.images(12, 8);
    Path file = data.resolve("train-images-idx3-ubyte.gz");
    Files.write(file, IdxFiles.gzip(other));
    DatasetException e = assertThrows(DatasetException.class,
        () -> fake.loader().loadFrom(noDownload().dataDir(data)));
    String m = e.getMessage();
    assertTrue(m.startsWith(file + ": not the official train-images-idx3-ubyte"), m);
    assertTrue(m.contains("is " + FashionMnist.sha256(other)), m);
    assertTrue(m.contains("expected " + fake.specs.get(0).contentSha256()), m);
    // The user may opt out of verification for the data directory only.
    TrainTest tt = fake.loader().loadFrom(noDownload().dataDir(data).verifyDataDir(false));
    assertEquals(8 / 255f, tt.train().features()[0]);
  }

  @Test
  void aTruncatedCacheFileFailsNamingTheFileAndTheExpectedChecksum() throws Exception {
    Path cache = fake.writeTo(tmp.resolve("cache"));
    Path file = cache.resolve("t10k-images-idx3-ubyte.gz");
    byte[] gz = fake.gz.get(2);
    Files.write(file, Arrays.copyOf(gz, gz.length - 20));
    DatasetException e = assertThrows(DatasetException.class, () -> fake.loader().loadFrom(noDownload()));
    String m = e.getMessage();
    assertTrue(m.startsWith(file.toString()), m);
    assertTrue(m.contains("truncated"), m);
    assertTrue(m.contains(fake.specs.get(2).contentSha256()), m);
  }

  @Test
  void cacheDirDefaultsToTheSystemPropertyThenTheHomeDirectory() {
    String old = System.getProperty(FashionMnist.CACHE_PROPERTY);
    try {
      System.setProperty(FashionMnist.CACHE_PROPERTY, tmp.toString());
      assertEquals(tmp.resolve("fashion-mnist"), FashionMnist.options().cacheDir());
      System.clearProperty(FashionMnist.CACHE_PROPERTY);
      assertEquals(Path.of(System.getProperty("user.home"), ".clr4j", "datasets", "fashion-mnist"),
          FashionMnist.options().cacheDir());
    } finally {
      if (old == null) {
        System.clearProperty(FashionMnist.CACHE_PROPERTY);
      } else {
        System.setProperty(FashionMnist.CACHE_PROPERTY, old);
      }
    }
  }

  @Test
  void officialChecksumsAreWellFormed() {
    for (FashionMnist.FileSpec s : FashionMnist.OFFICIAL) {
      assertTrue(s.gzSha256().matches("[0-9a-f]{64}") && s.contentSha256().matches("[0-9a-f]{64}"), s.name());
    }
  }

  private static void assertSourceIn(Path dir, TrainTest tt) {
    assertTrue(tt.train().source().startsWith(dir.resolve("train-images-idx3-ubyte.gz").toString()),
        tt.train().source());
    assertTrue(tt.train().source().contains(dir.resolve("train-labels-idx1-ubyte.gz").toString()),
        tt.train().source());
    assertTrue(tt.test().source().startsWith(dir.resolve("t10k-images-idx3-ubyte.gz").toString()),
        tt.test().source());
  }

  private static void deleteAll(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }
}
