@echo off
rem Runs JBang on Windows: the jbang on PATH when there is one, otherwise JBang 0.132.1 fetched once
rem from Maven Central into %USERPROFILE%\.jbang\kit, each jar checked against the SHA-256 listed
rem at the end of the `jbang` file beside this one. Not tested on Windows by the kit's CI.
setlocal EnableDelayedExpansion

for /f "delims=" %%j in ('where jbang.exe jbang.cmd 2^>nul') do (
  if /i not "%%~fj"=="%~f0" ( "%%~fj" %* & exit /b !ERRORLEVEL! )
)

set "version=0.132.1"
if "%JBANG_KIT_HOME%"=="" set "JBANG_KIT_HOME=%USERPROFILE%\.jbang\kit"
set "home=%JBANG_KIT_HOME%\jbang-%version%"
if "%MAVEN_CENTRAL%"=="" set "MAVEN_CENTRAL=https://repo.maven.apache.org/maven2"

if not exist "%home%" (
  echo ==^> fetching JBang %version% from %MAVEN_CENTRAL% ^(once^) 1>&2
  powershell -NoProfile -ExecutionPolicy Bypass -Command ^
    "$ErrorActionPreference='Stop'; $tmp='%home%.tmp'; New-Item -ItemType Directory -Force $tmp | Out-Null;" ^
    "Get-Content '%~dp0jbang' | Where-Object { $_ -like '#jar *' } | ForEach-Object {" ^
    "  $sha, $path = $_.Substring(5).Split(' '); $file = Join-Path $tmp (Split-Path $path -Leaf);" ^
    "  Invoke-WebRequest -UseBasicParsing -Uri ('%MAVEN_CENTRAL%/' + $path) -OutFile $file;" ^
    "  if ((Get-FileHash -Algorithm SHA256 $file).Hash -ne $sha.ToUpper()) { throw ('checksum mismatch: ' + $path) } };" ^
    "Rename-Item $tmp '%home%'"
  if errorlevel 1 ( echo [ERROR] jbang: could not fetch JBang from Maven Central 1>&2 & exit /b 1 )
)

set "java=java"
if not "%JAVA_HOME%"=="" set "java=%JAVA_HOME%\bin\java"
rem JBang's own JVM only decides and compiles: C1 and the serial GC start it sooner.
if not defined JBANG_JAVA_OPTIONS set "JBANG_JAVA_OPTIONS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
set "JBANG_RUNTIME_SHELL=cmd"
set "JBANG_LAUNCHER=%~f0"
set "tmpfile=%TEMP%\%RANDOM%.jbang.tmp"
"%java%" %JBANG_JAVA_OPTIONS% -classpath "%home%\*" dev.jbang.Main %* > "%tmpfile%"
set "err=%ERRORLEVEL%"
rem As the official launcher does: exit code 255 means the output is the command that runs the script.
if "%err%"=="255" (
  set /p command=<"%tmpfile%"
  del "%tmpfile%"
  !command!
  exit /b !ERRORLEVEL!
)
type "%tmpfile%"
del "%tmpfile%"
exit /b %err%
