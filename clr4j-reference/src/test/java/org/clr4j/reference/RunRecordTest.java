package org.clr4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordTest {
  @Test
  void theAllocatorIsNamedWithItsSettings() {
    assertEquals("glibc defaults", RunRecord.allocator(Map.of("PATH", "/bin")));
    assertEquals("glibc (MALLOC_ARENA_MAX=1, MALLOC_TRIM_THRESHOLD_=4294967296)",
        RunRecord.allocator(Map.of("MALLOC_TRIM_THRESHOLD_", "4294967296", "MALLOC_ARENA_MAX", "1")));
    assertEquals("tcmalloc (LD_PRELOAD=/usr/lib/libtcmalloc_minimal.so.4)",
        RunRecord.allocator(Map.of("LD_PRELOAD", "/usr/lib/libtcmalloc_minimal.so.4", "MALLOC_ARENA_MAX", "1")));
    assertEquals("preloaded (LD_PRELOAD=/opt/x.so)", RunRecord.allocator(Map.of("LD_PRELOAD", "/opt/x.so")));
  }

  @Test
  void everyRecordNamesTheMachineAndSoftware() {
    Map<String, Object> env = RunRecord.environment();
    for (String key : new String[] {"clr4j", "djl", "engine", "java", "os", "arch", "cores", "allocator"}) {
      assertTrue(env.containsKey(key), key + " missing from " + env);
    }
  }

  @Test
  void aWrittenRecordIsReadableByOthersLikeTheRestOfTheOutput(@TempDir Path dir) throws IOException {
    Assumptions.assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX only");
    Path file = dir.resolve("run.json");
    RunRecord.of("test").put("seed", 42).write(file);
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(Files.readString(file).contains("\"seed\": 42"));
  }
}
