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

class IdxReaderTest {
  @TempDir Path dir;

  @Test
  void gzippedAndPlainFilesReadBackTheSameValues() throws Exception {
    byte[] values = {0, 1, 2, (byte) 255, 127, 64};
    byte[] content = IdxFiles.idx(new int[] {2, 1, 3}, values);
    Path plain = Files.write(dir.resolve("x-idx3-ubyte"), content);
    Path gz = Files.write(dir.resolve("x-idx3-ubyte.gz"), IdxFiles.gzip(content));

    for (Path p : new Path[] {plain, gz}) {
      IdxReader.Idx idx = IdxReader.parse(p.toString(), IdxReader.readContent(p), 3);
      assertArrayEquals(new int[] {2, 1, 3}, idx.dims());
      assertArrayEquals(new int[] {0, 1, 2, 255, 127, 64}, idx.toInts());
      float[] f = idx.toUnitFloats();
      assertEquals(0f, f[0]);
      assertEquals(1f, f[3]);
      assertEquals(127 / 255f, f[4]);
    }
  }

  @Test
  void wrongRankIsReportedWithTheFileName() {
    byte[] labels = IdxFiles.idx(new int[] {3}, new byte[] {1, 2, 3});
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.parse("f.idx", labels, 3));
    assertTrue(e.getMessage().startsWith("f.idx: IDX file has 1 dimensions, expected 3"), e.getMessage());
  }

  @Test
  void badMagicNumberAndValueTypeAreRejected() {
    byte[] bad = {1, 2, 3, 4, 0, 0, 0, 0};
    assertTrue(assertThrows(DatasetException.class, () -> IdxReader.parse("a", bad, 1)).getMessage()
        .contains("not an IDX file"));
    byte[] ints = {0, 0, 0x0c, 1, 0, 0, 0, 1, 0, 0, 0, 5};
    assertTrue(assertThrows(DatasetException.class, () -> IdxReader.parse("b", ints, 1)).getMessage()
        .contains("value type 0xc is not supported"));
  }

  @Test
  void dataShorterOrLongerThanTheHeaderPromisesIsRejected() {
    byte[] full = IdxFiles.idx(new int[] {4, 2, 2}, new byte[16]);
    byte[] shorter = Arrays.copyOf(full, full.length - 1);
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.parse("s", shorter, 3));
    assertTrue(e.getMessage().contains("promises 16 values (4x2x2) but the file holds 15"), e.getMessage());
    byte[] longer = Arrays.copyOf(full, full.length + 1);
    assertThrows(DatasetException.class, () -> IdxReader.parse("l", longer, 3));
  }

  @Test
  void truncatedGzipIsReportedAsTruncated() throws Exception {
    byte[] gz = IdxFiles.gzip(IdxFiles.idx(new int[] {100}, new byte[100]));
    Path p = Files.write(dir.resolve("t.gz"), Arrays.copyOf(gz, gz.length / 2));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readContent(p));
    assertTrue(e.getMessage().startsWith(p + ": gzip data is truncated"), e.getMessage());
  }
}
