// An "obfuscated" program: the names R8 would give com.example.App (a), com.example.Parser (b)
// and com.example.ConfigException (c). mapping.txt maps them back, with b.a inlining two methods.
public class a {
    static int a(String s) {
        return b.a(s);
    }

    public static void main(String[] args) {
        try {
            a("broken");
        } catch (c e) {
            e.printStackTrace();
        }
    }
}

class b {
    static int a(String s) {
        if (s.indexOf('=') < 0) throw new c("no separator in " + s);
        return s.length();
    }
}

class c extends RuntimeException {
    c(String message) { super(message); }
}
