@echo off
rem vault launcher for Windows: builds the runnable jar on first use or when sources changed, then runs it.
rem Set VAULT_JAVA_OPTS to pass extra JVM options.
setlocal
set "HERE=%~dp0"
set "JAR=%HERE%cli\target\vault.jar"
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
echo vault: build done, running. 1>&2
:run
java -XX:+UseSerialGC -Xmx200m %VAULT_JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%
