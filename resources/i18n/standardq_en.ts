<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AugmentDialog</name>
    <message numerus="yes">
        <source>%n pending similar question(s) added to {touched} of {total} standard questions.</source>
        <translation>
            <numerusform>%n pending similar question added to {touched} of {total} standard questions.</numerusform>
            <numerusform>%n pending similar questions added to {touched} of {total} standard questions.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n standard question(s) got fewer than asked, e.g. “{text}”: {note}.</source>
        <translation>
            <numerusform>%n standard question got fewer than asked, e.g. “{text}”: {note}.</numerusform>
            <numerusform>%n standard questions got fewer than asked, e.g. “{text}”: {note}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Preview used %n token(s).</source>
        <translation>
            <numerusform>Preview used %n token.</numerusform>
            <numerusform>Preview used %n tokens.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BatchTab</name>
    <message numerus="yes">
        <source>{name}: %n question(s) (add an “expected” column to measure accuracy).</source>
        <translation>
            <numerusform>{name}: %n question (add an “expected” column to measure accuracy).</numerusform>
            <numerusform>{name}: %n questions (add an “expected” column to measure accuracy).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name}: %n question(s), {right} right ({acc}).</source>
        <translation>
            <numerusform>{name}: %n question, {right} right ({acc}).</numerusform>
            <numerusform>{name}: %n questions, {right} right ({acc}).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{name}: answering %n question(s)…</source>
        <translation>
            <numerusform>{name}: answering %n question…</numerusform>
            <numerusform>{name}: answering %n questions…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Confirmer</name>
    <message numerus="yes">
        <source>Send %n standard question(s) of this shop to {provider} ({url}), asking for up to {k} paraphrases each?

Only the standard questions and a few of their similar questions are sent, nothing else.</source>
        <translation>
            <numerusform>Send %n standard question of this shop to {provider} ({url}), asking for up to {k} paraphrases each?

Only the standard questions and a few of their similar questions are sent, nothing else.</numerusform>
            <numerusform>Send %n standard questions of this shop to {provider} ({url}), asking for up to {k} paraphrases each?

Only the standard questions and a few of their similar questions are sent, nothing else.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FixBar</name>
    <message numerus="yes">
        <source> %n held back as test questions.</source>
        <translation>
            <numerusform> %n held back as a test question.</numerusform>
            <numerusform> %n held back as test questions.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n skipped: {why}</source>
        <translation>
            <numerusform>%n skipped: {why}</numerusform>
            <numerusform>%n skipped: {why}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %n text(s) as similar questions of “{q}”; they are matched at once.</source>
        <translation>
            <numerusform>Added %n text as a similar question of “{q}”; it is matched at once.</numerusform>
            <numerusform>Added %n texts as similar questions of “{q}”; they are matched at once.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Ignored %n text(s).</source>
        <translation>
            <numerusform>Ignored %n text.</numerusform>
            <numerusform>Ignored %n texts.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Marked %n text(s) as matching nothing.</source>
        <translation>
            <numerusform>Marked %n text as matching nothing.</numerusform>
            <numerusform>Marked %n texts as matching nothing.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>New standard question “{q}” with %n similar question(s); its answer is still to be written.</source>
        <translation>
            <numerusform>New standard question “{q}” with %n similar question; its answer is still to be written.</numerusform>
            <numerusform>New standard question “{q}” with %n similar questions; its answer is still to be written.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Undo the last fix ({what}, %n text(s)) (Ctrl+Z)</source>
        <translation>
            <numerusform>Undo the last fix ({what}, %n text) (Ctrl+Z)</numerusform>
            <numerusform>Undo the last fix ({what}, %n texts) (Ctrl+Z)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Undone: %n text(s) are back in the inbox.</source>
        <translation>
            <numerusform>Undone: %n text is back in the inbox.</numerusform>
            <numerusform>Undone: %n texts are back in the inbox.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message numerus="yes">
        <source> %n conflicting row(s) were left out.</source>
        <translation>
            <numerusform> %n conflicting row was left out.</numerusform>
            <numerusform> %n conflicting rows were left out.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s): the import stops on them unless you skip them.</source>
        <translation>
            <numerusform>%n conflict: the import stops on it unless you skip it.</numerusform>
            <numerusform>%n conflicts: the import stops on them unless you skip them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The file has %n problem(s); fix them (or the column mapping) first. Nothing was written.</source>
        <translation>
            <numerusform>The file has %n problem; fix it (or the column mapping) first. Nothing was written.</numerusform>
            <numerusform>The file has %n problems; fix them (or the column mapping) first. Nothing was written.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>skip %n row(s) already there</source>
        <translation>
            <numerusform>skip %n row already there</numerusform>
            <numerusform>skip %n rows already there</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InboxPanel</name>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n group</numerusform>
            <numerusform>%n groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n groups selected</source>
        <translation>
            <numerusform>%n group selected</numerusform>
            <numerusform>%n groups selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n selected text(s) of this group</source>
        <translation>
            <numerusform>%n selected text of this group</numerusform>
            <numerusform>%n selected texts of this group</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n standard question(s) made here still need an answer:</source>
        <translation>
            <numerusform>%n standard question made here still needs an answer:</numerusform>
            <numerusform>%n standard questions made here still need an answer:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>This group: %n text(s)</source>
        <translation>
            <numerusform>This group: %n text</numerusform>
            <numerusform>This group: %n texts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InboxWiring</name>
    <message numerus="yes">
        <source>Inbox: %n group(s)</source>
        <translation>
            <numerusform>Inbox: %n group</numerusform>
            <numerusform>Inbox: %n groups</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n edit(s) since this model was made</source>
        <translation>
            <numerusform>%n edit since this model was made</numerusform>
            <numerusform>%n edits since this model was made</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Model out of date: %n edit(s) since training</source>
        <translation>
            <numerusform>Model out of date: %n edit since training</numerusform>
            <numerusform>Model out of date: %n edits since training</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelSummary</name>
    <message numerus="yes">
        <source>%n edit(s) since this model was trained (new questions are matched already; a retrain learns from them).</source>
        <translation>
            <numerusform>%n edit since this model was trained (new questions are matched already; a retrain learns from them).</numerusform>
            <numerusform>%n edits since this model was trained (new questions are matched already; a retrain learns from them).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n similar question(s) came from the inbox since this model was trained: matched already, learnt by the next retrain.</source>
        <translation>
            <numerusform>%n similar question came from the inbox since this model was trained: matched already, learnt by the next retrain.</numerusform>
            <numerusform>%n similar questions came from the inbox since this model was trained: matched already, learnt by the next retrain.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuestionList</name>
    <message numerus="yes">
        <source>%n question(s)</source>
        <translation>
            <numerusform>%n question</numerusform>
            <numerusform>%n questions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete the standard question “{text}” and its %n similar question(s)?</source>
        <translation>
            <numerusform>Delete the standard question “{text}” and its %n similar question?</numerusform>
            <numerusform>Delete the standard question “{text}” and its %n similar questions?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message numerus="yes">
        <source>%n in-scope question(s) from {origin}; {cal} “none” questions to calibrate the thresholds and {rep} others to measure them</source>
        <translation>
            <numerusform>%n in-scope question from {origin}; {cal} “none” questions to calibrate the thresholds and {rep} others to measure them</numerusform>
            <numerusform>%n in-scope questions from {origin}; {cal} “none” questions to calibrate the thresholds and {rep} others to measure them</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n of those “none” question(s) come from the built-in set</source>
        <translation>
            <numerusform>; %n of those “none” questions comes from the built-in set</numerusform>
            <numerusform>; %n of those “none” questions come from the built-in set</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message numerus="yes">
        <source>{verb} all %n shown similar question(s)?</source>
        <translation>
            <numerusform>{verb} the %n shown similar question?</numerusform>
            <numerusform>{verb} all %n shown similar questions?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServeSwitch</name>
    <message numerus="yes">
        <source>%n request(s) since the server started</source>
        <translation>
            <numerusform>%n request since the server started</numerusform>
            <numerusform>%n requests since the server started</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SimilarTable</name>
    <message numerus="yes">
        <source>Move %n similar question(s) to:</source>
        <translation>
            <numerusform>Move %n similar question to:</numerusform>
            <numerusform>Move %n similar questions to:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatsView</name>
    <message numerus="yes">
        <source>%n queries since {since}</source>
        <translation>
            <numerusform>%n query since {since}</numerusform>
            <numerusform>%n queries since {since}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VersionsDialog</name>
    <message numerus="yes">
        <source>held-out top-1 {t1}, top-3 {t3} (%n question(s); Report… has the rest)</source>
        <translation>
            <numerusform>held-out top-1 {t1}, top-3 {t3} (%n question; Report… has the rest)</numerusform>
            <numerusform>held-out top-1 {t1}, top-3 {t3} (%n questions; Report… has the rest)</numerusform>
        </translation>
    </message>
</context>
</TS>
