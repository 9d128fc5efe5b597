@echo off
rem Runs JBang on Windows: the jbang on PATH when there is one, otherwise JBang 0.132.1 fetched once
rem from Maven Central into %USERPROFILE%\.jbang\kit, each jar checked against the SHA-256 listed
rem at the end of the `jbang` file beside this one. Not tested on Windows by the kit's CI.
rem Delayed expansion stays off: it would eat every "!" in the arguments.
setlocal DisableDelayedExpansion
rem cmd.exe runs a bare name from the current folder first, which may be a repository with a where.exe,
rem powershell.exe or java.exe of its own: not for this script, nor for what it starts; system tools by full path.
set "NoDefaultCurrentDirectoryInExePath=1"
set "system=%SystemRoot%\System32"

rem $PATH: searches PATH only, never the current folder, which may be a repository with a jbang.exe of its own.
for /f "delims=" %%j in ('"%system%\where.exe" $PATH:jbang.exe $PATH:jbang.cmd 2^>nul') do (
  if /i not "%%~fj"=="%~f0" (
    set "found=%%~fj"
    goto :found
  )
)
goto :kit
:found
"%found%" %*
exit /b

:kit
set "version=0.132.1"
if "%JBANG_KIT_HOME%"=="" set "JBANG_KIT_HOME=%USERPROFILE%\.jbang\kit"
set "home=%JBANG_KIT_HOME%\jbang-%version%"
if "%MAVEN_CENTRAL%"=="" set "MAVEN_CENTRAL=https://repo.maven.apache.org/maven2"

if exist "%home%" goto :installed
echo ==^> fetching JBang %version% from %MAVEN_CENTRAL% ^(once^) 1>&2
rem Paths reach PowerShell through the environment, never inside its quoted text (a ' in a path would end it).
set "PIPKIT_JBANG_HOME=%home%"
set "PIPKIT_JBANG_LIST=%~dp0jbang"
"%system%\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -ExecutionPolicy Bypass -Command ^
  "$ErrorActionPreference='Stop'; $dest=$env:PIPKIT_JBANG_HOME; $tmp=$dest + '.' + [guid]::NewGuid();" ^
  "New-Item -ItemType Directory -Force -Path $tmp | Out-Null;" ^
  "try { Get-Content -LiteralPath $env:PIPKIT_JBANG_LIST | Where-Object { $_ -like '#jar *' } | ForEach-Object {" ^
  "  $sha, $path = $_.Substring(5).Split(' '); $file = Join-Path $tmp (Split-Path $path -Leaf);" ^
  "  Invoke-WebRequest -UseBasicParsing -Uri ($env:MAVEN_CENTRAL + '/' + $path) -OutFile $file;" ^
  "  if ((Get-FileHash -Algorithm SHA256 -LiteralPath $file).Hash -ne $sha.ToUpper()) { throw ('checksum mismatch: ' + $path) } };" ^
  "  Move-Item -LiteralPath $tmp -Destination $dest } catch { Remove-Item -Recurse -Force -LiteralPath $tmp; throw }"
if errorlevel 1 (
  echo [ERROR] jbang: could not fetch JBang from Maven Central; nothing was installed 1>&2
  exit /b 1
)

:installed
rem java from JAVA_HOME, else the first on PATH (never the current folder's)
set "java="
if not "%JAVA_HOME%"=="" set "java=%JAVA_HOME%\bin\java.exe"
if "%JAVA_HOME%"=="" for /f "delims=" %%j in ('"%system%\where.exe" $PATH:java.exe 2^>nul') do if not defined java set "java=%%~fj"
if not defined java (
  echo [ERROR] jbang: no java on PATH and no JAVA_HOME: install a JDK 17 or later 1>&2
  exit /b 2
)
rem JBang's own JVM only decides and compiles: C1 and the serial GC start it sooner.
if not defined JBANG_JAVA_OPTIONS set "JBANG_JAVA_OPTIONS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
set "JBANG_RUNTIME_SHELL=cmd"
set "JBANG_LAUNCHER=%~f0"
:name
set "tmpfile=%TEMP%\jbang-%RANDOM%%RANDOM%%RANDOM%.tmp"
if exist "%tmpfile%" goto :name
rem The JVM's own warnings go to stderr: its output is JBang's answer.
"%java%" %JBANG_JAVA_OPTIONS% -Xlog:all=off -Xlog:all=warning:stderr -classpath "%home%\*" dev.jbang.Main %* > "%tmpfile%"
set "err=%ERRORLEVEL%"
rem As the official launcher does: exit code 255 means the output is the command that runs the script.
rem for /f reads a whole line (up to cmd's 8191 characters; set /p would stop at 1024).
if not "%err%"=="255" goto :show
for /f "usebackq delims=" %%a in ("%tmpfile%") do set "command=%%a"
del "%tmpfile%"
%command%
exit /b

:show
type "%tmpfile%"
del "%tmpfile%"
exit /b %err%
