import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An independent verifier of retention-ledger evidence bundles, written from
 * docs/bundle-format.md alone (section numbers below refer to it). JDK 17, one file,
 * no dependencies: {@code java VerifyBundle.java DIR} prints "ok: ..." and exits 0, or
 * prints "broken: ..." naming what is wrong and exits 1; a usage error exits 2.
 */
public final class VerifyBundle {
    static final String GENESIS = "0".repeat(64);
    static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]{0,17})");

    static final class Broken extends Exception {
        Broken(String message) { super(message); }
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java VerifyBundle.java BUNDLE_DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir)) {
            System.err.println(dir + " is not a directory");
            System.exit(2);
        }
        try {
            System.out.println("ok: " + verify(dir));
            System.exit(0);
        } catch (Broken e) {
            System.out.println("broken: " + e.getMessage());
            System.exit(1);
        } catch (RuntimeException e) {
            // A value of the wrong kind somewhere (e.g. a number where a hex string belongs).
            System.out.println("broken: malformed bundle: " + e);
            System.exit(1);
        }
    }

    // ---- step by step, §4 ----

    static String verify(Path dir) throws Broken {
        // 1. The public key and its id.
        byte[] pem = read(dir, "public-key.pem");
        byte[] der = pemBody(new String(pem, StandardCharsets.UTF_8));
        PublicKey key;
        try {
            key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (Exception e) {
            throw new Broken("public-key.pem is not an Ed25519 public key: " + e.getMessage());
        }
        String keyId = hex(sha256(der));

        // 2. The manifest signature, over the manifest's bytes.
        byte[] manifestBytes = read(dir, "manifest.json");
        String sig = new String(read(dir, "manifest.sig"), StandardCharsets.UTF_8);
        if (sig.endsWith("\n")) sig = sig.substring(0, sig.length() - 1);
        if (!ed25519(key, manifestBytes, sig)) throw new Broken("manifest.sig: the manifest signature does not verify");

        // 3. Every file as listed.
        Map<String, Object> manifest = obj(parse(manifestBytes, "manifest.json"), "manifest.json");
        if (num(manifest, "formatVersion", "manifest.json") != 1) throw new Broken("manifest.json: unknown formatVersion");
        Map<String, Map<String, Object>> files = new HashMap<>();
        for (Object o : arr(manifest.get("files"), "manifest.json files")) {
            Map<String, Object> f = obj(o, "manifest.json files");
            String p = str(f, "path", "manifest.json files");
            if (p.startsWith("/") || p.contains("..") || p.contains("\\")) throw new Broken("manifest.json lists a path outside the bundle: " + p);
            byte[] bytes = read(dir, p);
            if (bytes.length != num(f, "bytes", p) || !hex(sha256(bytes)).equals(str(f, "sha256", p))) {
                throw new Broken(p + " differs from its SHA-256 in the manifest");
            }
            files.put(p, f);
        }
        for (String required : List.of("public-key.pem", "checkpoint.json", "proof.json", "subjects.jsonl", "report.json", "report.html")) {
            if (!files.containsKey(required)) throw new Broken("manifest.json does not list " + required);
        }

        // 4. The checkpoint: the note of §2.2, signed by the key.
        Map<String, Object> cp = obj(parse(read(dir, "checkpoint.json"), "checkpoint.json"), "checkpoint.json");
        if (num(cp, "formatVersion", "checkpoint.json") != 1) throw new Broken("checkpoint.json: unknown formatVersion");
        if (!keyId.equals(str(cp, "keyId", "checkpoint.json"))) throw new Broken("checkpoint.json: signed by another key (keyId " + cp.get("keyId") + ")");
        long treeSize = num(cp, "treeSize", "checkpoint.json");
        String rootHash = str(cp, "rootHash", "checkpoint.json");
        String note = "retention-ledger checkpoint v1\n" + treeSize + "\n" + num(cp, "ledgerSize", "checkpoint.json") + "\n"
                + rootHash + "\n" + str(cp, "createdAt", "checkpoint.json") + "\n";
        if (!ed25519(key, note.getBytes(StandardCharsets.UTF_8), str(cp, "signature", "checkpoint.json"))) {
            throw new Broken("checkpoint.json: the checkpoint signature does not verify");
        }

        // 5. Each stream: the chain from the lines as stored, and its head in the checkpoint's tree.
        Map<String, Object> proofFile = obj(parse(read(dir, "proof.json"), "proof.json"), "proof.json");
        Map<String, Map<String, Object>> proofs = new HashMap<>();
        for (Object o : arr(proofFile.get("proofs"), "proof.json proofs")) {
            Map<String, Object> p = obj(o, "proof.json proofs");
            proofs.put(str(p, "tenantId", "proof.json"), p);
        }
        String tenantId = str(manifest, "tenantId", "manifest.json");
        Map<String, List<String>> hashes = new HashMap<>();
        Map<String, List<Map<String, Object>>> entries = new HashMap<>();
        long total = 0;
        for (Object o : arr(manifest.get("streams"), "manifest.json streams")) {
            Map<String, Object> s = obj(o, "manifest.json streams");
            String stream = str(s, "tenantId", "manifest.json streams");
            String file = str(s, "file", "manifest.json streams");
            long count = num(s, "entries", file);
            if (!files.containsKey(file)) throw new Broken("manifest.json does not list " + file);
            List<String> lines = lines(read(dir, file), file);
            if (lines.size() != count) throw new Broken(file + " has " + lines.size() + " entries, the manifest says " + count);
            String prev = GENESIS;
            List<String> chain = new ArrayList<>();
            List<Map<String, Object>> parsed = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String where = file + " line " + (i + 1) + " (tenant " + stream + " position " + (i + 1) + ")";
                Map<String, Object> e = obj(parse(lines.get(i).getBytes(StandardCharsets.UTF_8), where), where);
                if (!stream.equals(e.get("tenantId")) || num(e, "streamPosition", where) != i + 1) {
                    throw new Broken(where + " is the entry of " + e.get("tenantId") + " position " + e.get("streamPosition"));
                }
                if (!prev.equals(e.get("prevHash"))) throw new Broken(where + ": prevHash does not link to the previous entry");
                prev = hex(sha256((prev + lines.get(i)).getBytes(StandardCharsets.UTF_8)));
                chain.add(prev);
                parsed.add(e);
            }
            if (count > 0) {
                Map<String, Object> p = proofs.get(stream);
                if (p == null) throw new Broken("proof.json has no proof for " + stream);
                if (num(p, "position", "proof.json") != count || !prev.equals(p.get("hash"))) {
                    throw new Broken("proof.json: the head of " + stream + " is not the last entry of " + file);
                }
                if (num(proofFile, "treeSize", "proof.json") != treeSize) throw new Broken("proof.json: not a proof for the checkpoint's tree size");
                List<byte[]> path = new ArrayList<>();
                for (Object h : arr(p.get("path"), "proof.json path")) {
                    if (!(h instanceof String)) throw new Broken("proof.json: a path element is not a hex string");
                    path.add(unhex((String) h, "proof.json path"));
                }
                byte[] leaf = (stream + "\n" + count + "\n" + prev).getBytes(StandardCharsets.UTF_8);
                byte[] root = rootFromInclusionProof(num(p, "leafIndex", "proof.json"), treeSize, leafHash(leaf), path);
                if (root == null || !hex(root).equals(rootHash)) {
                    throw new Broken("proof.json: the inclusion proof of " + stream + " does not lead to the checkpoint's root");
                }
            }
            hashes.put(stream, chain);
            entries.put(stream, parsed);
            total += count;
        }
        if (!entries.containsKey(tenantId)) throw new Broken("manifest.json has no stream for tenant " + tenantId);

        // 6. Subject parts hash to their entries' digests.
        List<Map<String, Object>> tenantEntries = entries.get(tenantId);
        for (String line : lines(read(dir, "subjects.jsonl"), "subjects.jsonl")) {
            Map<String, Object> s = obj(parse(line.getBytes(StandardCharsets.UTF_8), "subjects.jsonl"), "subjects.jsonl");
            long pos = num(s, "streamPosition", "subjects.jsonl");
            String digest = hex(sha256(str(s, "subjectJson", "subjects.jsonl").getBytes(StandardCharsets.UTF_8)));
            if (pos < 1 || pos > tenantEntries.size() || !digest.equals(tenantEntries.get((int) pos - 1).get("subjectDigest"))) {
                throw new Broken("subjects.jsonl: the subject part of position " + pos + " does not match its entry's subjectDigest");
            }
        }

        // 7. The report names a state of these chains, the one the manifest names.
        Map<String, Object> report = obj(parse(read(dir, "report.json"), "report.json"), "report.json");
        Map<String, Object> basis = obj(report.get("ledger"), "report.json ledger");
        Map<String, Object> named = obj(manifest.get("report"), "manifest.json report");
        if (!tenantId.equals(report.get("tenantId")) || !Objects.equals(basis, named)) {
            throw new Broken("report.json is not the report the manifest names");
        }
        long position = num(basis, "position", "report.json ledger");
        if (!hashAt(hashes.get(tenantId), position).equals(basis.get("headHash"))) {
            throw new Broken("report.json: no entry of the bundle has position " + position + " and head hash " + basis.get("headHash"));
        }
        List<String> policy = hashes.getOrDefault("$policy", List.of());
        if (!hashAt(policy, num(basis, "policyPosition", "report.json ledger")).equals(basis.get("policyHeadHash"))) {
            throw new Broken("report.json: the policy position it names is not in the bundle");
        }
        return "tenant " + tenantId + ", " + tenantEntries.size() + " entries (" + total + " with the policy stream), report at position "
                + position + ", in the checkpoint of " + cp.get("createdAt") + " (root " + rootHash + ")";
    }

    static String hashAt(List<String> chain, long position) {
        if (position == 0) return GENESIS;
        if (position < 0 || position > chain.size()) return "";
        return chain.get((int) position - 1);
    }

    // ---- RFC 9162 §2.1 ----

    static byte[] leafHash(byte[] leaf) {
        return sha256(new byte[] {0}, leaf);
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        return sha256(new byte[] {1}, left, right);
    }

    /** §3.2: the root an inclusion proof leads to, or null. */
    static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> path) {
        if (index < 0 || index >= size) return null;
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) return null;
            if (fn % 2 == 1 || fn == sn) {
                r = nodeHash(p, r);
                if (fn % 2 == 0) {
                    while (fn % 2 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    // ---- bytes, hashes, signatures ----

    static byte[] read(Path dir, String file) throws Broken {
        try {
            return Files.readAllBytes(dir.resolve(file));
        } catch (IOException e) {
            throw new Broken(file + " is missing");
        }
    }

    /** Lines ended by LF; an empty file has none. */
    static List<String> lines(byte[] bytes, String file) throws Broken {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        if (!text.endsWith("\n")) throw new Broken(file + ": the last line does not end in LF");
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) md.update(p);
            return md.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean ed25519(PublicKey key, byte[] message, String signatureHex) throws Broken {
        if (signatureHex.length() != 128) return false;
        byte[] sig = unhex(signatureHex, "signature");
        try {
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(key);
            v.update(message);
            return v.verify(sig);
        } catch (Exception e) {
            return false;
        }
    }

    static byte[] pemBody(String pem) throws Broken {
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) throw new Broken("public-key.pem is not a PEM public key");
        try {
            return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new Broken("public-key.pem is not valid base64");
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        return sb.toString();
    }

    /** Lowercase hex only: any other character (uppercase included) is invalid. */
    static byte[] unhex(String s, String what) throws Broken {
        if (s.length() % 2 != 0) throw new Broken(what + " is not hex");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) throw new Broken(what + " is not lowercase hex");
            out[i / 2] |= (byte) (i % 2 == 0 ? d << 4 : d);
        }
        return out;
    }

    // ---- a minimal JSON parser (RFC 8259): objects, arrays, strings, numbers, literals ----

    static Object parse(byte[] bytes, String what) throws Broken {
        Json p = new Json(new String(bytes, StandardCharsets.UTF_8), what);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != p.s.length()) throw new Broken(what + " is not JSON (trailing data)");
        return v;
    }

    static final class Json {
        final String s;
        final String what;
        int i;

        Json(String s, String what) { this.s = s; this.what = what; }

        Broken bad() { return new Broken(what + " is not JSON (at character " + i + ")"); }

        void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
        }

        Object value() throws Broken {
            if (i >= s.length()) throw bad();
            char c = s.charAt(i);
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            return number();
        }

        Map<String, Object> object() throws Broken {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (i < s.length() && s.charAt(i) == '}') { i++; return m; }
            for (;;) {
                ws();
                if (i >= s.length() || s.charAt(i) != '"') throw bad();
                String k = string();
                ws();
                if (i >= s.length() || s.charAt(i) != ':') throw bad();
                i++;
                ws();
                if (m.containsKey(k)) throw new Broken(what + " has the member \"" + k + "\" twice");
                m.put(k, value());
                ws();
                if (i < s.length() && s.charAt(i) == ',') { i++; continue; }
                if (i < s.length() && s.charAt(i) == '}') { i++; return m; }
                throw bad();
            }
        }

        List<Object> array() throws Broken {
            List<Object> a = new ArrayList<>();
            i++;
            ws();
            if (i < s.length() && s.charAt(i) == ']') { i++; return a; }
            for (;;) {
                ws();
                a.add(value());
                ws();
                if (i < s.length() && s.charAt(i) == ',') { i++; continue; }
                if (i < s.length() && s.charAt(i) == ']') { i++; return a; }
                throw bad();
            }
        }

        String string() throws Broken {
            StringBuilder sb = new StringBuilder();
            i++;
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c < 0x20) throw bad();
                if (c != '\\') { sb.append(c); continue; }
                if (i >= s.length()) throw bad();
                char e = s.charAt(i++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (i + 4 > s.length()) throw bad();
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw bad();
                        }
                        i += 4;
                        break;
                    default: throw bad();
                }
            }
            throw bad();
        }

        Object number() throws Broken {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            String t = s.substring(start, i);
            if (!NUMBER.matcher(t).matches()) throw bad();
            if (INTEGER.matcher(t).matches()) return Long.parseLong(t);
            return Double.parseDouble(t);
        }
    }

    // ---- typed access ----

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o, String what) throws Broken {
        if (!(o instanceof Map)) throw new Broken(what + " is not an object");
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> arr(Object o, String what) throws Broken {
        if (!(o instanceof List)) throw new Broken(what + " is not an array");
        return (List<Object>) o;
    }

    static String str(Map<String, Object> m, String k, String what) throws Broken {
        Object v = m.get(k);
        if (!(v instanceof String)) throw new Broken(what + ": \"" + k + "\" is not a string");
        return (String) v;
    }

    static long num(Map<String, Object> m, String k, String what) throws Broken {
        Object v = m.get(k);
        if (!(v instanceof Long)) throw new Broken(what + ": \"" + k + "\" is not an integer");
        return (Long) v;
    }
}
