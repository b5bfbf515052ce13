// Runs EPUBCheck on every EPUB named on the command line in one Java
// virtual machine: the command-line tool's own code (EpubChecker.run), one
// file after another, each report preceded by a line "== FILE" and followed
// by "== exit N". Starting EPUBCheck costs seconds of CPU; a test checking
// many books pays that once.
//
// java -cp /usr/share/java/epubcheck.jar EpubCheckAll.java [--failonwarnings] A.epub B.epub ...
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckAll {
	public static void main(String[] args) {
		int worst = 0;
		boolean failOnWarnings = false;
		for (String arg : args) {
			if (arg.equals("--failonwarnings")) {
				failOnWarnings = true;
				continue;
			}
			System.out.println("== " + arg);
			System.out.flush();
			String[] one = failOnWarnings ? new String[] {arg, "--failonwarnings"} : new String[] {arg};
			int rc = new EpubChecker().run(one);
			System.out.flush();
			System.err.flush();
			System.out.println("== exit " + rc);
			worst = Math.max(worst, rc);
		}
		System.exit(worst);
	}
}
