package org.clr4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Builds tiny IDX files and matching {@link FashionMnist.FileSpec}s for tests. */
final class IdxFiles {
  private IdxFiles() {}

  static byte[] idx(int[] dims, byte[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
    b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(values);
    return b.array();
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Image file content: {@code n} 28x28 images, image i filled with pixel value (seed + i) & 0xff. */
  static byte[] images(int n, int seed) {
    byte[] v = new byte[n * 28 * 28];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 28 * 28; p++) {
        v[i * 784 + p] = (byte) (seed + i + p % 3);
      }
    }
    return idx(new int[] {n, 28, 28}, v);
  }

  static byte[] labels(int n) {
    byte[] v = new byte[n];
    for (int i = 0; i < n; i++) {
      v[i] = (byte) (i % 10);
    }
    return idx(new int[] {n}, v);
  }

  /** A fake Fashion-MNIST: 12 training and 5 test images, gzipped, with their specs. */
  static final class Fake {
    final List<String> names = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    final List<byte[]> contents = List.of(images(12, 7), labels(12), images(5, 100), labels(5));
    final List<byte[]> gz = new ArrayList<>();
    final List<FashionMnist.FileSpec> specs = new ArrayList<>();

    Fake() {
      int[] counts = {12, 12, 5, 5};
      for (int i = 0; i < 4; i++) {
        byte[] g = gzip(contents.get(i));
        gz.add(g);
        specs.add(new FashionMnist.FileSpec(names.get(i), counts[i], FashionMnist.sha256(g), g.length,
            FashionMnist.sha256(contents.get(i))));
      }
    }

    FashionMnist loader() {
      return new FashionMnist(specs);
    }

    /** Writes all four gzipped files into {@code dir}. */
    Path writeTo(Path dir) throws IOException {
      Files.createDirectories(dir);
      for (int i = 0; i < 4; i++) {
        Files.write(dir.resolve(names.get(i) + ".gz"), gz.get(i));
      }
      return dir;
    }
  }
}
