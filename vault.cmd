@echo off
rem vault launcher for Windows: builds the runnable jar on first use or when sources changed, then runs it.
rem Set VAULT_JAVA_OPTS to pass extra JVM options; VAULT_JAR runs another build of vault (no rebuild).
setlocal
set "HERE=%~dp0"
set "JAR=%HERE%cli\target\vault.jar"
set "JSA=%HERE%cli\target\vault.jsa"
if not defined VAULT_JAR goto ownjar
set "JAR=%VAULT_JAR%"
for %%J in ("%VAULT_JAR%") do set "JSA=%%~dpnJ.jsa"
if not exist "%JAR%" (echo vault: VAULT_JAR=%VAULT_JAR% does not exist; build it or unset VAULT_JAR. 1>&2 & exit /b 1)
goto run
:ownjar
if not exist "%JAR%" goto build
powershell -NoProfile -Command "$j=(Get-Item -LiteralPath '%JAR%').LastWriteTime; $c=Get-ChildItem -LiteralPath '%HERE%' -Recurse -File -Include *.java,pom.xml | Where-Object { $_.FullName -notmatch '\\(target|\.git)\\' -and $_.LastWriteTime -gt $j } | Select-Object -First 1; if ($c) { exit 1 } else { exit 0 }"
if errorlevel 1 goto build
goto run
:build
where mvn >nul 2>nul || (echo vault: Maven ^(mvn^) is needed to build vault; install it and try again. 1>&2 & exit /b 1)
echo vault: building vault (first use or sources changed): mvn -q -B -DskipTests package 1>&2
pushd "%HERE%"
call mvn -q -B -DskipTests package 1>&2
set "RC=%ERRORLEVEL%"
popd
if not "%RC%"=="0" (echo vault: the build failed; see the Maven output above. 1>&2 & exit /b 1)
del /q "%HERE%cli\target\vault.jsa" 2>nul
echo vault: build done. 1>&2
:run
rem Start-up archive (AppCDS), made after each build by a quiet 'vault demo'; it halves start-up.
set "QUIETCDS=-Xlog:cds=off -Xlog:cds+dynamic=off"
if exist "%JSA%" goto cdsready
echo vault: preparing a start-up archive (once per build, ~10 s) 1>&2
set "CDSTMP=%TEMP%\vault-cds-%RANDOM%%RANDOM%"
set "VAULT_CONFIG_HOME_SAVED=%VAULT_CONFIG_HOME%"
set "VAULT_CONFIG_HOME=%CDSTMP%\config"
java -XX:+UseSerialGC -Xmx200m -XX:ArchiveClassesAtExit="%JSA%" %QUIETCDS% -jar "%JAR%" demo --dir "%CDSTMP%\demo" >nul 2>nul || del /q "%JSA%" 2>nul
set "VAULT_CONFIG_HOME=%VAULT_CONFIG_HOME_SAVED%"
rmdir /s /q "%CDSTMP%" 2>nul
:cdsready
set "CDS="
if exist "%JSA%" set CDS=-XX:SharedArchiveFile="%JSA%" %QUIETCDS%
rem Short commands run best on the quick JIT alone; long computing ones need the optimising compiler,
rem with less inlining (halves its compile time; the hot loops run as fast). See the ./vault launcher.
set "JIT=-XX:TieredStopAtLevel=1"
for %%c in (backup restore check prune forget export run-due daemon demo) do if /I "%~1"=="%%c" set "JIT=-XX:InlineSmallCode=500 -XX:FreqInlineSize=100"
java -XX:+UseSerialGC -Xmx200m %JIT% %CDS% %VAULT_JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%
